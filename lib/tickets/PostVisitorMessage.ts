import { ILivechatRoom } from '@rocket.chat/apps-engine/definition/livechat';
import { IRoom, RoomType } from '@rocket.chat/apps-engine/definition/rooms';
import { Accessors } from '../core/Accessors';
import { messageOf, notFound, unavailable } from '../core/AppError';
import { toRoomAttachment } from '../messages/Attachments';
import { roomIsOpen, storeOf } from './RoomAccess';
import { Runtime } from '../core/Runtime';
import { Ticket } from './TicketStore';
import { rocketChatVisitor } from './Visitor';
import { VisitorMessageRequest } from '../requests/VisitorMessageRequest';

/** Comment on a room Rocket.Chat opened for a message that was meant for the ticket's closed room. */
export const STRAY_ROOM = 'Closed: the contact wrote as the ticket\'s room was closing; RapidPro was told the room is gone';

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
    const builder = a.modify.getCreator().startLivechatMessage()
        .setRoom(room)
        .setVisitor(rocketChatVisitor(ticket.visitor))
        .setText(req.text)
        .setAttachments(req.attachments.map(toRoomAttachment));
    let id: string;
    try {
        id = await a.modify.getCreator().finish(builder);
    } catch (e) {
        if (!(await roomIsOpen(a, ticket.roomId))) {
            // Closed under us. The ticket is left to the close handler, which may not have run yet:
            // closing it here first would make the handler skip RapidPro's close-room.
            throw notFound(`visitor ${req.token} has no open room`);
        }
        a.logger.error(`ticket ${ticket.ticketId}: Rocket.Chat refused a visitor message: ${messageOf(e)}`);
        throw unavailable('Rocket.Chat could not post the message now');
    }
    await refuseStrayRoom(id, ticket, req.token, a);
    return id;
}

/**
 * Rocket.Chat posts a visitor's message for a closed room into a new room it opens
 * without a word, so the room is read back from the message. A room the ticket does
 * not know is closed again at once (nobody would forward its agent's replies) and the
 * message refused, as if it had come after the close: the ticket's close-room is on
 * its way to RapidPro.
 */
async function refuseStrayRoom(messageId: string, ticket: Ticket, token: string, a: Accessors): Promise<void> {
    const landed = await a.read.getMessageReader().getRoom(messageId);
    if (!landed || landed.id === ticket.roomId) {
        return;
    }
    try {
        await a.modify.getUpdater().getLivechatUpdater().closeRoom(landed as ILivechatRoom, STRAY_ROOM);
        a.logger.warn(`ticket ${ticket.ticketId}: room ${ticket.roomId} closed as the contact wrote; closed the room ${landed.id} Rocket.Chat opened for the message`);
    } catch (e) {
        a.logger.error(`ticket ${ticket.ticketId}: could not close the room ${landed.id} Rocket.Chat opened for a message to a closed room: ${messageOf(e)}`);
    }
    throw notFound(`visitor ${token} has no open room`);
}
