/// <reference types="jest" />
import { CLOSED_BY_RAPIDPRO } from '../../lib/tickets/RoomAccess';
import { MINUTE } from '../fakes/Clock';
import { Harness } from '../fakes/Harness';

const close = (token: string | number, extra: object = {}) => ({ visitor: { token }, ...extra });

describe('GET /room.close (PROTOCOL §2)', () => {
    it("answers 204 and closes the visitor's open room in Rocket.Chat", async () => {
        const h = new Harness();
        const roomId = await h.openRoom('T1', '1234');
        const response = await h.call('roomClose', 'get', close('1234'));
        expect(response.status).toBe(204);
        expect(response.content).toBeUndefined();
        expect(h.world.rc.rooms[roomId].isOpen).toBe(false);
        expect(h.world.rc.closes).toEqual([{ roomId, comment: CLOSED_BY_RAPIDPRO }]);
        expect(h.ticket('T1')[0]).toEqual(expect.objectContaining({ state: 'closed', closedAt: h.clock.now() }));
    });

    it('answers POST the same way', async () => {
        const h = new Harness();
        const roomId = await h.openRoom('T1', '1234');
        expect((await h.call('roomClose', 'post', close('1234'))).status).toBe(204);
        expect(h.world.rc.rooms[roomId].isOpen).toBe(false);
    });

    it('accepts a numeric visitor.token', async () => {
        const h = new Harness();
        const roomId = await h.openRoom('T1', '1234');
        expect((await h.call('roomClose', 'get', close(1234))).status).toBe(204);
        expect(h.world.rc.rooms[roomId].isOpen).toBe(false);
    });

    it('accepts a ticket id along with the token', async () => {
        const h = new Harness();
        const roomId = await h.openRoom('T1', '1234');
        expect((await h.call('roomClose', 'get', close('1234', { ticketID: 'T1' }))).status).toBe(204);
        expect(h.world.rc.rooms[roomId].isOpen).toBe(false);
    });

    it('answers 204 again for a room already closed, without closing anything twice', async () => {
        const h = new Harness();
        await h.openRoom('T1', '1234');
        expect((await h.call('roomClose', 'get', close('1234'))).status).toBe(204);
        expect((await h.call('roomClose', 'get', close('1234'))).status).toBe(204);
        expect(h.world.rc.closes).toHaveLength(1);
    });

    it('stays idempotent after the closed ticket has been swept from storage', async () => {
        const h = new Harness();
        await h.openRoom('T1', '1234');
        await h.call('roomClose', 'get', close('1234'));
        h.clock.advance(11 * MINUTE);
        h.world.scheduler.once.push({ id: 'tickets-sweep', when: h.clock.now() });
        await h.runDueJobs();
        expect(h.tickets()).toHaveLength(0);
        expect((await h.call('roomClose', 'get', close('1234'))).status).toBe(204);
    });

    it('answers 204 for a room Rocket.Chat already closed, and marks the ticket closed', async () => {
        const h = new Harness({ closeEventDuringClose: false });
        const roomId = await h.openRoom('T1', '1234');
        h.world.rc.closeBySomeoneElse(roomId);
        expect((await h.call('roomClose', 'get', close('1234'))).status).toBe(204);
        expect(h.world.calls.of('livechatUpdater.closeRoom')).toBe(0);
        expect(h.ticket('T1')[0].state).toBe('closed');
    });

    it('answers 204 for a visitor Rocket.Chat knows but who has no ticket', async () => {
        const h = new Harness();
        h.world.rc.addVisitor({ token: '1234' });
        expect((await h.call('roomClose', 'get', close('1234'))).status).toBe(204);
    });

    it('answers 204 for a token the app never saw: nothing is open for it, as RapidPro asks (its client stops a batch at the first error)', async () => {
        const h = new Harness();
        const response = await h.call('roomClose', 'get', close('5555'));
        expect(response).toEqual({ status: 204 });
        expect(h.world.rc.closes).toHaveLength(0);
    });

    it('answers 400 naming visitor.token when it is missing', async () => {
        const h = new Harness();
        const response = await h.call('roomClose', 'get', { visitor: {} });
        expect(response.status).toBe(400);
        expect(response.content).toEqual({ error: 'visitor.token is required' });
    });

    it('answers 503 when Rocket.Chat cannot close the room, and leaves the ticket open so a retry works', async () => {
        const h = new Harness();
        const roomId = await h.openRoom('T1', '1234');
        h.world.rc.failCloseRoom = new Error('mongo timeout');
        const response = await h.call('roomClose', 'get', close('1234'));
        expect(response.status).toBe(503);
        expect(response.content).toEqual({ error: 'Rocket.Chat could not close the room now' });
        expect(h.world.logger.has('error', 'mongo timeout')).toBe(true);
        expect(h.ticket('T1')[0].state).toBe('open');

        h.world.rc.failCloseRoom = undefined;
        expect((await h.call('roomClose', 'get', close('1234'))).status).toBe(204);
        expect(h.world.rc.rooms[roomId].isOpen).toBe(false);
    });

    describe('echo suppression: RapidPro asked for the close, so no close-room goes back', () => {
        it('sends no close-room when Rocket.Chat fires the close event while closing', async () => {
            const h = new Harness({ closeEventDuringClose: true });
            await h.openRoom('T1', '1234');
            await h.call('roomClose', 'get', close('1234'));
            await h.runDueJobs();
            expect(h.world.httpFake.postedBodies.filter((b) => b.type === 'close-room')).toEqual([]);
        });

        it('sends no close-room when Rocket.Chat fires the close event after the answer', async () => {
            const h = new Harness({ closeEventDuringClose: false });
            const roomId = await h.openRoom('T1', '1234');
            await h.call('roomClose', 'get', close('1234'));
            await h.roomClosed(h.world.rc.rooms[roomId]);
            expect(h.world.httpFake.postedBodies.filter((b) => b.type === 'close-room')).toEqual([]);
        });

        it('sends no close-room on a repeated /room.close either', async () => {
            const h = new Harness();
            await h.openRoom('T1', '1234');
            await h.call('roomClose', 'get', close('1234'));
            await h.call('roomClose', 'get', close('1234'));
            expect(h.world.httpFake.posts).toHaveLength(0);
        });
    });
});
