/// <reference types="jest" />
import { ILivechatRoom } from '@rocket.chat/apps-engine/definition/livechat';
import { Keys } from '../../../lib/core/Associations';
import { LEGACY_BATCH, moveLegacyTickets } from '../../../lib/tickets/LegacyTickets';
import { RECONCILE_MIN_AGE_MS, reconcileClosedRooms } from '../../../lib/tickets/Reconcile';
import { CLOSED_GRACE_MS } from '../../../lib/tickets/Sweep';
import { bucketOf } from '../../../lib/tickets/TicketLayout';
import { Ticket, TicketStore } from '../../../lib/tickets/TicketStore';
import { MINUTE } from '../../fakes/Clock';
import { Harness } from '../../fakes/Harness';

const ticket = (i: number, extra: Partial<Ticket> = {}): Ticket => ({
    ticketId: `T${i}`,
    roomId: `room-${i}`,
    visitor: { id: `v${i}`, token: `${10000 + i}`, username: `guest-${i}`, name: 'Ana' },
    openedAt: 0,
    state: 'open',
    ...extra,
});

const move = (h: Harness, now: number) => moveLegacyTickets(new TicketStore(h.world.persistence, h.world.persistence), now - CLOSED_GRACE_MS);

/** Records exactly as 1.0 stored them: flat kind markers, no layout field. */
async function stored10(h: Harness, t: Ticket) {
    const common = [Keys.room(t.roomId), Keys.ticket(t.ticketId), Keys.visitor(t.visitor.token)];
    const keys = t.state === 'closed' ? [...common, Keys.legacyClosedTickets()] : [...common, Keys.openVisitor(t.visitor.token), Keys.legacyOpenTickets()];
    await h.world.persistence.createWithAssociations(t, keys);
}

describe('tickets stored by 1.0, after the upgrade', () => {
    it(`moves ${LEGACY_BATCH} open tickets a sweep into their buckets, until none is left under the old key`, async () => {
        const h = new Harness();
        for (let i = 0; i < 250; i++) {
            await stored10(h, ticket(i, { openedAt: h.clock.now() }));
        }
        const moved: Array<number> = [];
        for (let run = 0; run < 4; run++) {
            moved.push((await move(h, h.clock.now())).moved);
        }
        expect(moved).toEqual([LEGACY_BATCH, LEGACY_BATCH, 50, 0]);
        expect(h.world.persistence.peek(Keys.legacyOpenTickets())).toEqual([]);
        expect(h.world.persistence.peek(Keys.openTickets())).toHaveLength(250);
        expect(h.world.persistence.peek(Keys.openBucket(bucketOf('room-7')))).toContainEqual(expect.objectContaining({ ticketId: 'T7', state: 'open' }));
        expect(h.world.persistence.peekPrefix('room:')).toHaveLength(250);
    });

    it('the reconcile job then finds a moved ticket whose room closed unheard', async () => {
        const h = new Harness();
        await stored10(h, ticket(1, { openedAt: h.clock.now() }));
        h.world.rc.rooms['room-1'] = { id: 'room-1', isOpen: false } as ILivechatRoom;
        h.clock.advance(RECONCILE_MIN_AGE_MS + MINUTE);
        await move(h, h.clock.now());
        expect(await reconcileClosedRooms(h.runtime, h.world.accessors())).toBe(1);
        expect(h.world.persistence.peek<Ticket>(Keys.room('room-1')).map((t) => t.state)).toEqual(['closed']);
    });

    it('removes closed tickets whose grace period is over, and keeps the others until theirs is', async () => {
        const h = new Harness();
        const now = h.clock.now();
        await stored10(h, ticket(1, { state: 'closed', closedAt: now - CLOSED_GRACE_MS - 1 }));
        await stored10(h, ticket(2, { state: 'closed', closedAt: now - MINUTE }));
        expect(await move(h, now)).toEqual({ moved: 0, removed: 1, left: 1 });
        expect(h.world.persistence.peek<Ticket>(Keys.legacyClosedTickets()).map((t) => t.ticketId)).toEqual(['T2']);
        expect(await move(h, now + CLOSED_GRACE_MS)).toEqual({ moved: 0, removed: 1, left: 0 });
        expect(h.world.persistence.peekPrefix('room:')).toEqual([]);
    });

    it('before it is moved, a 1.0 ticket still takes agent messages and closes from RapidPro without an echo', async () => {
        const h = new Harness();
        const roomId = await h.openRoom('T1', '1234');
        const [current] = h.world.persistence.peek<Ticket>(Keys.room(roomId));
        await h.world.persistence.removeByAssociation(Keys.room(roomId));
        const { layout, ...old } = current;
        await stored10(h, old);
        await h.agentSays(roomId, 'hello');
        expect(await h.call('roomClose', 'get', { visitor: { token: '1234' } })).toEqual(expect.objectContaining({ status: 204 }));
        while (await h.runNextJob()) { /* deliver */ }
        expect(h.world.httpFake.postedBodies.map((b) => b.type)).toEqual(['agent-message']);
        expect(h.world.persistence.peek<Ticket>(Keys.room(roomId)).map((t) => t.state)).toEqual(['closed']);
        expect(h.world.persistence.unmatchedUpdates).toEqual([]);
    });
});
