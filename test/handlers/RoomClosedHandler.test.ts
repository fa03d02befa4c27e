/// <reference types="jest" />
import { ILivechatRoom } from '@rocket.chat/apps-engine/definition/livechat';
import { SECOND } from '../fakes/Clock';
import { CLOSE_HOLD_MS } from '../../lib/tickets/RoomClosed';
import { Harness, WEBHOOK_URL } from '../fakes/Harness';

const closeRooms = (h: Harness) => h.world.httpFake.postedBodies.filter((b) => b.type === 'close-room');
const types = (h: Harness) => h.world.httpFake.postedBodies.map((b) => b.type);

describe('RoomClosedHandler (PROTOCOL §3 close-room)', () => {
    it('sends close-room when an agent closes one of our rooms in Rocket.Chat, and marks the ticket closed', async () => {
        const h = new Harness();
        const roomId = await h.openRoom('T1', '1234');
        h.clock.advance(30 * SECOND);
        const closedAt = h.clock.now();
        await h.closeInRocketChat(roomId);
        expect(h.ticket('T1')[0]).toEqual(expect.objectContaining({ state: 'closed', closedAt }));
        expect(h.world.httpFake.posts).toEqual([]);
        await h.runNextJob();
        expect(h.clock.now()).toBe(closedAt + CLOSE_HOLD_MS);
        expect(h.world.httpFake.posts.map((p) => p.url)).toEqual([WEBHOOK_URL]);
        expect(closeRooms(h)).toEqual([{ type: 'close-room', ticketId: 'T1', visitor: { token: '1234' } }]);
    });

    it('holds close-room back so an agent message handled just after the close still goes first', async () => {
        const h = new Harness();
        const roomId = await h.openRoom('T1', '1234');
        const sentAt = h.clock.now();
        h.clock.advance(100);
        await h.closeInRocketChat(roomId);
        // Rocket.Chat handled the close before the message that came just before it.
        await h.agentSays(roomId, 'last words', { createdAt: new Date(sentAt) });
        while (await h.runNextJob()) { /* run the scheduler until nothing is left */ }
        expect(h.world.httpFake.postedBodies.map((b) => b.type === 'close-room' ? 'close' : (b as { data: { text: string } }).data.text))
            .toEqual(['last words', 'close']);
    });

    it('uses the time of handling when the room carries no closedAt', async () => {
        const h = new Harness();
        const roomId = await h.openRoom('T1', '1234');
        const room = h.world.rc.closeBySomeoneElse(roomId);
        const handledAt = h.clock.now();
        await h.roomClosed({ ...room, closedAt: undefined } as ILivechatRoom);
        await h.runNextJob();
        expect(closeRooms(h)).toHaveLength(1);
        expect(h.ticket('T1')[0].closedAt).toBe(handledAt);
    });

    it('sends nothing for a room the app did not open', async () => {
        const h = new Harness();
        await h.openRoom('T1', '1234');
        await h.roomClosed({ id: 'other-room', isOpen: false } as ILivechatRoom);
        expect(h.world.httpFake.posts).toHaveLength(0);
    });

    it('sends close-room once when the close event comes twice', async () => {
        const h = new Harness();
        const roomId = await h.openRoom('T1', '1234');
        await h.closeInRocketChat(roomId);
        await h.roomClosed(h.world.rc.rooms[roomId]);
        while (await h.runNextJob()) { /* run the scheduler until nothing is left */ }
        expect(closeRooms(h)).toHaveLength(1);
    });

    it('sends nothing for a close RapidPro asked for with /room.close', async () => {
        const h = new Harness();
        await h.openRoom('T1', '1234');
        await h.call('roomClose', 'get', { visitor: { token: '1234' } });
        expect(h.world.rc.closes).toHaveLength(1);
        expect(h.world.httpFake.posts).toHaveLength(0);
    });

    it("waits behind the ticket's agent-message that is being retried: close-room never overtakes it", async () => {
        const h = new Harness();
        const roomId = await h.openRoom('T1', '1234');
        h.world.httpFake.replies(503);
        await h.agentSays(roomId, 'one last thing');
        h.clock.advance(1 * SECOND);
        await h.closeInRocketChat(roomId);
        expect(types(h)).toEqual(['agent-message']);

        while (await h.runNextJob()) { /* run the scheduler until nothing is left */ }
        expect(types(h)).toEqual(['agent-message', 'agent-message', 'close-room']);
    });

    it('keeps the close-room for a retry when RapidPro is down', async () => {
        const h = new Harness();
        const roomId = await h.openRoom('T1', '1234');
        h.world.httpFake.replies(new Error('ECONNREFUSED'));
        await h.closeInRocketChat(roomId);
        await h.runNextJob();
        await h.runNextJob();
        expect(types(h)).toEqual(['close-room', 'close-room']);
    });
});
