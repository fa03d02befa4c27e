import { ILivechatRoom } from '@rocket.chat/apps-engine/definition/livechat';
import { Accessors } from '../lib/Accessors';
import { Runtime } from '../lib/Runtime';
import { TicketStore } from '../lib/TicketStore';
import { closeRoomPayload } from '../lib/WebhookPayloads';

/**
 * Rocket.Chat runs event handlers concurrently: the handler of an agent's last
 * message, sent just before the close, may store its event after this one. The
 * close-room waits this long in the queue, where events sort by the time they
 * happened, so it never overtakes that message.
 */
export const CLOSE_HOLD_MS = 2000;

/** IPostLivechatRoomClosed: a room of ours closed in Rocket.Chat becomes a close-room webhook. */
export class RoomClosedHandler {
    constructor(private readonly runtime: Runtime, private readonly a: Accessors) {}

    public async run(room: ILivechatRoom): Promise<void> {
        const store = new TicketStore(this.a.read.getPersistenceReader(), this.a.persis);
        const ticket = await store.byRoom(room.id);
        // `closing`: RapidPro asked for this close with /room.close and needs no echo.
        if (!ticket || ticket.state !== 'open') {
            return;
        }
        const closedAt = room.closedAt ? new Date(room.closedAt).getTime() : this.runtime.now();
        const outbox = this.runtime.outbox(this.a.read, this.a.modify, this.a.http, this.a.persis, this.a.logger);
        const entryId = await outbox.add(closeRoomPayload(ticket.ticketId, ticket.visitor.token), closedAt, CLOSE_HOLD_MS);
        await store.markClosed(ticket, closedAt);
        this.a.logger.info(`ticket ${ticket.ticketId} closed in Rocket.Chat`);
        await outbox.sendOwn(ticket.ticketId, entryId);
    }
}
