import { ILivechatRoom } from '@rocket.chat/apps-engine/definition/livechat';
import { Accessors } from './Accessors';
import { messageOf, notFound, unavailable } from './AppError';
import { CLOSED_BY_RAPIDPRO, storeOf } from './RoomAccess';
import { RoomCloseRequest } from './RoomCloseRequest';
import { Runtime } from './Runtime';
import { isOpen } from './TicketStore';

/** /room.close: closes the visitor's open room without echoing a close-room back to RapidPro. */
export async function closeTicket(req: RoomCloseRequest, a: Accessors, runtime: Runtime): Promise<void> {
    const store = storeOf(a);
    const open = (await store.openByVisitor(req.token)).filter((t) => isOpen(t) && (!req.ticketId || t.ticketId === req.ticketId));
    if (open.length === 0) {
        const seen = (await store.byVisitor(req.token)).length > 0 || !!(await a.read.getLivechatReader().getLivechatVisitorByToken(req.token));
        if (!seen) {
            throw notFound(`visitor ${req.token} not found`);
        }
        return;
    }
    for (const ticket of open) {
        // Marked first: the close handler runs as soon as Rocket.Chat closes the room and must see it.
        await store.update({ ...ticket, state: 'closing' });
        const room = await a.read.getRoomReader().getById(ticket.roomId);
        if (room && (room as ILivechatRoom).isOpen) {
            try {
                await a.modify.getUpdater().getLivechatUpdater().closeRoom(room, CLOSED_BY_RAPIDPRO);
            } catch (e) {
                await store.update({ ...ticket, state: 'open' });
                a.logger.error(`ticket ${ticket.ticketId}: Rocket.Chat could not close room ${ticket.roomId}: ${messageOf(e)}`);
                throw unavailable('Rocket.Chat could not close the room now');
            }
        }
        await store.markClosed(ticket, runtime.now());
        a.logger.info(`ticket ${ticket.ticketId} closed by RapidPro`);
    }
}
