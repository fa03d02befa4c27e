import { ILivechatRoom } from '@rocket.chat/apps-engine/definition/livechat';
import { Accessors } from '../core/Accessors';
import { Keys } from '../core/Associations';
import { messageOf, unavailable } from '../core/AppError';
import { CLOSED_BY_RAPIDPRO, roomIsOpen, storeOf } from './RoomAccess';
import { RoomCloseRequest } from '../requests/RoomCloseRequest';
import { Runtime } from '../core/Runtime';
import { isOpen, Ticket, TicketStore } from './TicketStore';

/**
 * /room.close: closes the visitor's open room without echoing a close-room back to
 * RapidPro. Nothing open for the token is success: the state RapidPro asks for already
 * holds, whether the room closed earlier or the token never reached Rocket.Chat (its
 * client closes a batch of tickets one by one and stops at the first error).
 */
export async function closeTicket(req: RoomCloseRequest, a: Accessors, runtime: Runtime): Promise<void> {
    const store = storeOf(a);
    const open = (await store.openByVisitor(req.token)).filter((t) => isOpen(t) && (!req.ticketId || t.ticketId === req.ticketId));
    for (const ticket of open) {
        // Marked first: the close handler runs as soon as Rocket.Chat closes the room and must see it.
        await store.update({ ...ticket, state: 'closing' });
        await closeRoom(ticket, a, store);
        await store.markClosed(ticket, runtime.now());
        // No close-room goes out for this ticket, which would have taken the time of its last sent reply with it.
        await a.persis.removeByAssociation(Keys.sentMark(ticket.ticketId));
        a.logger.info(`ticket ${ticket.ticketId} closed by RapidPro`);
    }
}

/**
 * Closes the ticket's room if Rocket.Chat still has it open. Rocket.Chat trusts the room
 * it is handed, so a close racing an agent's fails ("Error removing inquiry"): read again,
 * a room that is closed now is the outcome asked for.
 */
async function closeRoom(ticket: Ticket, a: Accessors, store: TicketStore): Promise<void> {
    const room = (await a.read.getRoomReader().getById(ticket.roomId)) as ILivechatRoom | undefined;
    if (!room || !room.isOpen) {
        return;
    }
    try {
        await a.modify.getUpdater().getLivechatUpdater().closeRoom(room, CLOSED_BY_RAPIDPRO);
    } catch (e) {
        if (!(await roomIsOpen(a, ticket.roomId))) {
            a.logger.info(`ticket ${ticket.ticketId}: room ${ticket.roomId} was closed in Rocket.Chat at the same moment`);
            return;
        }
        await store.update({ ...ticket, state: 'open' });
        a.logger.error(`ticket ${ticket.ticketId}: Rocket.Chat could not close room ${ticket.roomId}: ${messageOf(e)}`);
        throw unavailable('Rocket.Chat could not close the room now');
    }
}
