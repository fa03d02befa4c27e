import { IVisitor } from '@rocket.chat/apps-engine/definition/livechat';
import { IRoom, RoomType } from '@rocket.chat/apps-engine/definition/rooms';
import { Accessors } from './Accessors';
import { messageOf, notFound, unavailable } from './AppError';
import { toRoomAttachment } from './Attachments';
import { roomIsOpen, storeOf } from './RoomAccess';
import { Runtime } from './Runtime';
import { VisitorMessageRequest } from './VisitorMessageRequest';

/** /visitor-message: posts the contact's message in its open room, as the visitor. */
export async function postVisitorMessage(req: VisitorMessageRequest, a: Accessors, runtime: Runtime): Promise<string> {
    const store = storeOf(a);
    const ticket = (await store.openByVisitor(req.token)).filter((t) => t.state === 'open').sort((x, y) => y.openedAt - x.openedAt)[0];
    if (!ticket) {
        throw notFound(`visitor ${req.token} has no open room`);
    }
    // The stored ids are all Rocket.Chat needs to post; fetching the room and the
    // visitor first would cost two more calls across the runtime on the busiest path.
    const room = { id: ticket.roomId, type: RoomType.LIVE_CHAT } as IRoom;
    const visitor = { ...ticket.visitor } as IVisitor;
    const builder = a.modify.getCreator().startLivechatMessage()
        .setRoom(room)
        .setVisitor(visitor)
        .setText(req.text)
        .setAttachments(req.attachments.map(toRoomAttachment));
    try {
        return await a.modify.getCreator().finish(builder);
    } catch (e) {
        if (!(await roomIsOpen(a, ticket.roomId))) {
            // Closed under us. The ticket is left to the close handler, which may not have run yet:
            // closing it here first would make the handler skip RapidPro's close-room.
            throw notFound(`visitor ${req.token} has no open room`);
        }
        a.logger.error(`ticket ${ticket.ticketId}: Rocket.Chat refused a visitor message: ${messageOf(e)}`);
        throw unavailable('Rocket.Chat could not post the message now');
    }
}
