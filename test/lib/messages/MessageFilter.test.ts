/// <reference types="jest" />
import { IMessage } from '@rocket.chat/apps-engine/definition/messages';
import { RoomType } from '@rocket.chat/apps-engine/definition/rooms';
import { UserType } from '@rocket.chat/apps-engine/definition/users';
import { isAgentMessage } from '../../../lib/messages/MessageFilter';

const message = (extra: object = {}) => ({
    room: { id: 'R1', type: RoomType.LIVE_CHAT },
    sender: { id: 'agent', username: 'agent', type: UserType.USER },
    text: 'hello',
    ...extra,
}) as unknown as IMessage;

describe('isAgentMessage', () => {
    it("is true for a person's message in a livechat room", () => {
        expect(isAgentMessage(message())).toBe(true);
    });

    it.each<[string, object]>([
        ['a message in a channel', { room: { id: 'R', type: RoomType.CHANNEL } }],
        ['a direct message', { room: { id: 'R', type: RoomType.DIRECT_MESSAGE } }],
        ['a message without a room', { room: undefined }],
        ['a system message (type)', { type: 'livechat-started' }],
        ['a system message (unmapped t)', { _unmappedProperties_: { t: 'uj' } }],
        ['a visitor message (visitor)', { visitor: { token: '1' } }],
        ['a visitor message (token)', { token: '1' }],
        ['a visitor message (unmapped token)', { _unmappedProperties_: { token: '1' } }],
        ['an app user message', { sender: { id: 'app', type: UserType.APP } }],
        ['a bot message', { sender: { id: 'bot', type: UserType.BOT } }],
        ['a message of unknown sender type', { sender: { id: 'x', type: UserType.UNKNOWN } }],
        ['a message without a sender', { sender: undefined }],
    ])('is false for %s', (label, extra) => {
        expect(isAgentMessage(message(extra))).toBe(false);
    });
});
