import { ILivechatRoom } from '@rocket.chat/apps-engine/definition/livechat';
import { IUser } from '@rocket.chat/apps-engine/definition/users';
import { Accessors } from './Accessors';
import { conflict, messageOf, notFound, unavailable } from './AppError';
import { scheduleHistory } from './history/HistoryJob';
import { historyWindowStart } from './history/SessionStart';
import { rocketChat, roomIsOpen, storeOf } from './RoomAccess';
import { RoomRequest } from './RoomRequest';
import { Runtime } from './Runtime';
import { isOpen, Ticket, TicketStore } from './TicketStore';
import { saveVisitor, visitorToSave } from './Visitor';

const DUPLICATE_ROOM = 'Duplicate of another room for the same ticket';

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

    for (const other of (await store.openByVisitor(token)).filter(isOpen)) {
        if (await roomIsOpen(a, other.roomId)) {
            throw conflict(`visitor ${token} already has an open room for ticket ${other.ticketId}`);
        }
        // Its room closed but the close is not recorded yet: that ticket is left to its close
        // handler (or /room.close), which must still find it open to send RapidPro's close-room.
        // RapidPro opens the contact's next ticket as soon as it hears the room is gone.
    }

    const existing = await livechat.getLivechatVisitorByToken(token);
    const toSave = visitorToSave(req.visitor, existing, departmentId);
    const visitor = await rocketChat('save the visitor', a, () =>
        saveVisitor(a.modify.getCreator().getLivechatCreator(), toSave, (t) => livechat.getLivechatVisitorByToken(t)));
    if (!visitor || !visitor.id) {
        throw unavailable('Rocket.Chat could not save the visitor now');
    }
    await setCustomFields(req, a);

    const source = { type: 'app', id: runtime.appId, alias: 'RapidPro', label: 'RapidPro' } as unknown as ILivechatRoom['source'];
    let room: ILivechatRoom;
    try {
        // No agent given: Rocket.Chat routes the room to its department's queue, as for any new chat.
        room = await a.modify.getCreator().getLivechatCreator().createRoom(visitor, undefined as unknown as IUser, { source });
    } catch (e) {
        // Refused because a request for the same visitor opened its room a moment ago (RapidPro
        // retried while the first request was still opening it): that request's ticket is the answer.
        const concurrent = await ticketOpenedMeanwhile(token, store, a);
        if (concurrent && concurrent.ticketId !== req.ticketId) {
            throw conflict(`visitor ${token} already has an open room for ticket ${concurrent.ticketId}`);
        }
        if (concurrent) {
            return concurrent;
        }
        a.logger.error(`Rocket.Chat could not open a room: ${messageOf(e)}`);
        throw unavailable('Rocket.Chat could not open a room now');
    }
    const ticket: Ticket = {
        ticketId: req.ticketId,
        roomId: room.id,
        visitor: { id: visitor.id, token, username: visitor.username, name: visitor.name },
        contactUuid: req.visitor.contactUuid,
        departmentId,
        priority: req.priority,
        sessionStart: req.sessionStart,
        openedAt: runtime.now(),
        state: 'open',
    };
    await store.create(ticket);
    const winner = await settleDuplicates(ticket, store, a, runtime);
    if (winner !== ticket) {
        return winner;
    }
    a.logger.info(`ticket ${ticket.ticketId} opened room ${ticket.roomId}`);
    await startHistory(ticket, a, runtime);
    return ticket;
}

/** Reads given to a concurrent request to store its ticket: it does so right after its room opens. */
const CONCURRENT_READS = 10;

/** The visitor's open ticket that a concurrent request is storing, if one turns up within a few reads. */
async function ticketOpenedMeanwhile(token: string, store: TicketStore, a: Accessors): Promise<Ticket | undefined> {
    for (let read = 0; read < CONCURRENT_READS; read++) {
        for (const ticket of (await store.openByVisitor(token)).filter(isOpen)) {
            if (await roomIsOpen(a, ticket.roomId)) {
                return ticket;
            }
        }
    }
    return undefined;
}

/**
 * RapidPro retries /room on connection errors, so the same ticket can arrive
 * twice while the first request is still opening its room. Every request then
 * sees every record, and all agree: the record stored first wins; a later one
 * closes its own room (without a close-room webhook) and answers the winner's.
 */
async function settleDuplicates(mine: Ticket, store: TicketStore, a: Accessors, runtime: Runtime): Promise<Ticket> {
    const open = (await store.byTicket(mine.ticketId)).filter(isOpen)
        .sort((x, y) => x.openedAt - y.openedAt || (x.roomId < y.roomId ? -1 : x.roomId > y.roomId ? 1 : 0));
    const winner = open[0];
    if (!winner || winner.roomId === mine.roomId) {
        return mine;
    }
    await store.update({ ...mine, state: 'closing' });
    const room = await a.read.getRoomReader().getById(mine.roomId);
    if (room) {
        await a.modify.getUpdater().getLivechatUpdater().closeRoom(room, DUPLICATE_ROOM);
    }
    await store.markClosed(mine, runtime.now());
    a.logger.warn(`ticket ${mine.ticketId} arrived twice at once; kept room ${winner.roomId}, closed ${mine.roomId}`);
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

/** Each key Rocket.Chat knows as a livechat custom field is set; unknown ones are skipped and logged. */
async function setCustomFields(req: RoomRequest, a: Accessors): Promise<void> {
    const updater = a.modify.getUpdater().getLivechatUpdater();
    for (const [key, value] of req.visitor.customFields) {
        let known = false;
        try {
            known = await updater.setCustomFields(req.visitor.token, key, value, true);
        } catch (e) {
            known = false;
        }
        if (!known) {
            a.logger.warn(`ticket ${req.ticketId}: custom field "${key}" is not a livechat custom field in Rocket.Chat; skipped`);
        }
    }
}
