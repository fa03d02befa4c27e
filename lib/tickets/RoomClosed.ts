import { ILivechatRoom } from '@rocket.chat/apps-engine/definition/livechat';
import { Accessors } from '../core/Accessors';
import { Runtime } from '../core/Runtime';
import { closeRoomPayload } from '../delivery/WebhookPayloads';
import { storeOf } from './RoomAccess';

/**
 * Rocket.Chat runs event handlers concurrently: the handler of an agent's last
 * message, sent just before the close, may store its event after this one. The
 * close-room waits this long in the queue, where events sort by the time they
 * happened, so it never overtakes that message.
 */
export const CLOSE_HOLD_MS = 2000;

/**
 * A room of ours closed in Rocket.Chat becomes a close-room webhook and a closed
 * ticket: from the close event, or from the reconcile job for a close whose event
 * never reached the app.
 */
export async function ticketRoomClosed(room: ILivechatRoom, a: Accessors, runtime: Runtime): Promise<void> {
    const store = storeOf(a);
    const ticket = await store.byRoom(room.id);
    // `closing`: RapidPro asked for this close with /room.close and needs no echo.
    if (!ticket || ticket.state !== 'open') {
        return;
    }
    const closedAt = room.closedAt ? new Date(room.closedAt).getTime() : runtime.now();
    const outbox = runtime.outbox(a.read, a.modify, a.http, a.persis, a.logger);
    const entryId = await outbox.add(closeRoomPayload(ticket.ticketId, ticket.visitor.token), closedAt, CLOSE_HOLD_MS);
    await store.markClosed(ticket, closedAt, runtime.now());
    a.logger.info(`ticket ${ticket.ticketId} closed in Rocket.Chat`);
    await outbox.sendOwn(ticket.ticketId, entryId);
}
