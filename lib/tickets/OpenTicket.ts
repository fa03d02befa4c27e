import { ILivechatRoom } from '@rocket.chat/apps-engine/definition/livechat';
import { IUser } from '@rocket.chat/apps-engine/definition/users';
import { Accessors } from '../core/Accessors';
import { conflict, messageOf, notFound, unavailable } from '../core/AppError';
import { scheduleHistory } from '../history/HistoryJob';
import { historyWindowStart } from '../history/SessionStart';
import { rocketChat, roomIsOpen, storeOf } from './RoomAccess';
import { RoomRequest } from '../requests/RoomRequest';
import { Runtime } from '../core/Runtime';
import { isOpen, Ticket, TicketStore } from './TicketStore';
import { knownVisitor, rocketChatVisitor, saveVisitor, ticketVisitor, visitorToSave } from './Visitor';

/** Comment on a room closed because another request opened the visitor's room at the same moment. */
const DUPLICATE_ROOM = 'Opened twice at once; the visitor\'s other room is kept';

/**
 * /room: the ticket's room, opened if needed. RapidPro retries GET on connection
 * errors, so the same ticket must get the same room while it is open.
 */
export async function openTicket(req: RoomRequest, a: Accessors, runtime: Runtime): Promise<Ticket> {
    const store = storeOf(a);
    const livechat = a.read.getLivechatReader();
    const { token } = req.visitor;

    for (const ticket of (await store.byTicket(req.ticketId)).filter(isOpen)) {
        if (await roomIsOpen(a, ticket.roomId)) {
            if (ticket.visitor.token !== token) {
                throw conflict(`ticket ${req.ticketId} is open for another visitor`);
            }
            return ticket;
        }
        await store.markClosed(ticket, runtime.now());
    }

    let departmentId: string | undefined;
    if (req.visitor.department) {
        const department = await livechat.getLivechatDepartmentByIdOrName(req.visitor.department);
        if (!department || department.enabled === false) {
            throw notFound(`department ${req.visitor.department} not found`);
        }
        departmentId = department.id;
    }

    const other = await openRoomOf(await store.openByVisitor(token), a);
    if (other) {
        throw conflict(`visitor ${token} already has an open room for ticket ${other.ticketId}`);
    }
    // A ticket of the visitor whose room closed but whose close is not recorded yet is left to
    // its close handler (or /room.close), which must still find it open to send RapidPro's
    // close-room: RapidPro opens the contact's next ticket as soon as it hears the room is gone.

    const toSave = visitorToSave(req.visitor, await knownVisitor(req.visitor, livechat), departmentId);
    const saved = await rocketChat('save the visitor', a, () =>
        saveVisitor(a.modify.getCreator().getLivechatCreator(), toSave, (id) => livechat.getLivechatVisitorById(id)));
    if (!saved || !saved.id) {
        throw unavailable('Rocket.Chat could not save the visitor now');
    }

    const source = { type: 'app', id: runtime.appId, alias: 'RapidPro', label: 'RapidPro' } as unknown as ILivechatRoom['source'];
    // No agent given: Rocket.Chat routes the room to its department's queue, as for any new chat.
    // Rocket.Chat does not refuse a second open room for a visitor: concurrent requests are
    // settled below, after each has stored its ticket.
    const room = await rocketChat('open a room', a, () =>
        a.modify.getCreator().getLivechatCreator().createRoom(saved, undefined as unknown as IUser, { source }));
    const ticket: Ticket = {
        ticketId: req.ticketId,
        roomId: room.id,
        visitor: ticketVisitor(token, saved),
        contactUuid: req.visitor.contactUuid,
        departmentId,
        priority: req.priority,
        sessionStart: req.sessionStart,
        openedAt: runtime.now(),
        state: 'open',
        roomQueue: true,
    };
    await store.create(ticket);
    const winner = await settleDuplicates(ticket, room, store, a, runtime);
    if (winner !== ticket) {
        if (winner.ticketId !== req.ticketId) {
            throw conflict(`visitor ${token} already has an open room for ticket ${winner.ticketId}`);
        }
        return winner;
    }
    a.logger.info(`ticket ${ticket.ticketId} opened room ${ticket.roomId}`);
    await setCustomFields(req, ticket, a);
    await startHistory(ticket, a, runtime);
    return ticket;
}

/** The first of these tickets whose room Rocket.Chat still has open. */
async function openRoomOf(tickets: Array<Ticket>, a: Accessors): Promise<Ticket | undefined> {
    for (const ticket of tickets.filter(isOpen)) {
        if (await roomIsOpen(a, ticket.roomId)) {
            return ticket;
        }
    }
    return undefined;
}

const opened = (x: Ticket, y: Ticket) => x.openedAt - y.openedAt || (x.roomId < y.roomId ? -1 : x.roomId > y.roomId ? 1 : 0);

/**
 * Requests for one visitor can arrive together (RapidPro retries /room on connection
 * errors; two tickets for one contact can race), and Rocket.Chat opens a room for each.
 * Each request stores its ticket before it looks, so every request sees every earlier
 * one, and all agree: of the tickets with an open room the one stored first wins; a
 * later one closes its own room (marked closing first, so no close-room webhook goes
 * out for it) and answers the winner.
 */
async function settleDuplicates(mine: Ticket, room: ILivechatRoom, store: TicketStore, a: Accessors, runtime: Runtime): Promise<Ticket> {
    const earlier = (await store.openByVisitor(mine.visitor.token)).filter((t) => opened(t, mine) < 0).sort(opened);
    const winner = await openRoomOf(earlier, a);
    if (!winner) {
        return mine;
    }
    await store.update({ ...mine, state: 'closing' });
    try {
        await a.modify.getUpdater().getLivechatUpdater().closeRoom(room, DUPLICATE_ROOM);
    } catch (e) {
        a.logger.error(`ticket ${mine.ticketId}: could not close the duplicate room ${mine.roomId}: ${messageOf(e)}`);
    }
    await store.markClosed(mine, runtime.now());
    a.logger.warn(`visitor ${mine.visitor.token}: two rooms opened at once; kept room ${winner.roomId} (ticket ${winner.ticketId}), closed ${mine.roomId}`);
    return winner;
}

/** Chatbot history is a courtesy: scheduled for later, and a failure to schedule it never fails the ticket. */
async function startHistory(ticket: Ticket, a: Accessors, runtime: Runtime): Promise<void> {
    const config = await runtime.config(a.read);
    if (!ticket.contactUuid || !config.apiToken) {
        return;
    }
    const after = historyWindowStart(ticket.sessionStart, config.historyHours, ticket.openedAt);
    try {
        await scheduleHistory(a.modify, { ticketId: ticket.ticketId, roomId: ticket.roomId, contactUuid: ticket.contactUuid, after }, ticket.openedAt);
    } catch (e) {
        a.logger.error(`ticket ${ticket.ticketId}: could not schedule the chatbot history: ${messageOf(e)}`);
    }
}

/**
 * Each key Rocket.Chat knows as a livechat custom field is set, on the visitor or on its
 * open room as the field's scope says (so only once the room is open); a key it does not
 * know, or a value the field's pattern refuses, is skipped and logged.
 */
async function setCustomFields(req: RoomRequest, ticket: Ticket, a: Accessors): Promise<void> {
    const updater = a.modify.getUpdater().getLivechatUpdater();
    const { token } = rocketChatVisitor(ticket.visitor);
    for (const [key, value] of req.visitor.customFields) {
        try {
            await updater.setCustomFields(token, key, value, true);
        } catch (e) {
            a.logger.warn(`ticket ${req.ticketId}: custom field "${key}" skipped: ${messageOf(e)}`);
        }
    }
}
