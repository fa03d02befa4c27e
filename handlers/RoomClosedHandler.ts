import { ILivechatRoom } from '@rocket.chat/apps-engine/definition/livechat';
import { Runtime } from '../lib/Runtime';
import { Accessors } from '../lib/Accessors';
import { TicketStore } from '../lib/TicketStore';
import { closeRoomPayload } from '../lib/WebhookPayloads';

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
        const entryId = await outbox.add(closeRoomPayload(ticket.ticketId, ticket.visitor.token), closedAt);
        await store.markClosed(ticket, closedAt);
        this.a.logger.info(`ticket ${ticket.ticketId} closed in Rocket.Chat`);
        await outbox.sendOwn(ticket.ticketId, entryId);
    }
}
