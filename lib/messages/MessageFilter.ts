import { IMessage } from '@rocket.chat/apps-engine/definition/messages';
import { RoomType } from '@rocket.chat/apps-engine/definition/rooms';
import { UserType } from '@rocket.chat/apps-engine/definition/users';

/**
 * True when a new message is an agent's reply in a livechat room: written by a
 * person, not by the visitor, the app (its own history summaries), a bot, or the
 * system (joins, transfers, closing). Whether the room is one of ours is the
 * caller's check, since that costs a lookup.
 */
export function isAgentMessage(message: IMessage): boolean {
    const raw = message as IMessage & { type?: string; token?: string; visitor?: unknown; _unmappedProperties_?: { t?: string; token?: string } };
    const unmapped = raw._unmappedProperties_ || {};
    if (!message.room || message.room.type !== RoomType.LIVE_CHAT) {
        return false;
    }
    if (raw.type || unmapped.t) {
        return false;
    }
    if (raw.visitor || raw.token || unmapped.token) {
        return false;
    }
    return !!message.sender && message.sender.type === UserType.USER;
}
