import { ILivechatRoom } from '@rocket.chat/apps-engine/definition/livechat';
import { Accessors } from '../lib/core/Accessors';
import { Runtime } from '../lib/core/Runtime';
import { ticketRoomClosed } from '../lib/tickets/RoomClosed';

/** IPostLivechatRoomClosed: a room of ours closed in Rocket.Chat becomes a close-room webhook. */
export class RoomClosedHandler {
    constructor(private readonly runtime: Runtime, private readonly a: Accessors) {}

    public async run(room: ILivechatRoom): Promise<void> {
        await ticketRoomClosed(room, this.a, this.runtime);
    }
}
