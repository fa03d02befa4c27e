/// <reference types="jest" />
import { ILivechatRoom } from '@rocket.chat/apps-engine/definition/livechat';
import { Keys } from '../../../lib/core/Associations';
import { RECONCILE_BATCH, RECONCILE_MIN_AGE_MS, reconcileClosedRooms } from '../../../lib/tickets/Reconcile';
import { bucketOf, OPEN_BUCKETS } from '../../../lib/tickets/TicketLayout';
import { Ticket, TicketStore } from '../../../lib/tickets/TicketStore';
import { MINUTE } from '../../fakes/Clock';
import { Harness } from '../../fakes/Harness';

const reconcile = (h: Harness) => reconcileClosedRooms(h.runtime, h.world.accessors());
const webhookTypes = (h: Harness) => h.world.httpFake.postedBodies.map((b) => `${b.type}:${b.ticketId}`);

/** `count` open tickets stored straight into the store (the endpoints are too slow for thousands), their rooms open. */
async function seed(h: Harness, count: number, openedAt = h.clock.now()): Promise<Array<string>> {
    const store = new TicketStore(h.world.persistence, h.world.persistence);
    const rooms: Array<string> = [];
    for (let i = 0; i < count; i++) {
        const roomId = `room-${i}`;
        h.world.rc.rooms[roomId] = { id: roomId, isOpen: true } as ILivechatRoom;
        await store.create({ ticketId: `T${i}`, roomId, visitor: { id: `v${i}`, token: `${10000 + i}`, username: `guest-${i}`, name: 'Ana' }, openedAt, state: 'open' });
        rooms.push(roomId);
    }
    return rooms;
}

/** What each run costs: persistence reads and the tickets they returned, and the rooms looked up. */
function meter(h: Harness) {
    const cost = { reads: 0, records: 0, rooms: [] as Array<string> };
    const read = h.world.persistence.readByAssociation.bind(h.world.persistence);
    h.world.persistence.readByAssociation = async (key) => {
        const found = await read(key);
        cost.reads++;
        cost.records += found.length;
        return found;
    };
    const getRoomById = h.world.rc.getRoomById.bind(h.world.rc);
    h.world.rc.getRoomById = async (id: string) => {
        cost.rooms.push(id);
        return getRoomById(id);
    };
    return { cost, reset: () => Object.assign(cost, { reads: 0, records: 0, rooms: [] }) };
}

const largestBucket = (rooms: Array<string>) => {
    const sizes = new Array(OPEN_BUCKETS).fill(0);
    rooms.forEach((r) => sizes[bucketOf(r)]++);
    return Math.max(...sizes);
};

describe('reconciling rooms closed without a close event', () => {
    it('sends close-room for an open ticket whose room Rocket.Chat closed while the app did not hear of it', async () => {
        const h = new Harness();
        const roomId = await h.openRoom('T1', '1234');
        h.world.rc.closeBySomeoneElse(roomId); // the close event never reached the app
        h.clock.advance(RECONCILE_MIN_AGE_MS + MINUTE);
        expect(await reconcile(h)).toBe(1);
        expect(h.ticket('T1')[0].state).toBe('closed');
        while (await h.runNextJob()) { /* run the scheduler until nothing is left */ }
        expect(webhookTypes(h)).toEqual(['close-room:T1']);
        expect(h.world.logger.has('warn', 'closed without the app hearing of it')).toBe(true);
    });

    it('leaves open rooms and young tickets alone', async () => {
        const h = new Harness();
        await h.openRoom('T1', '1234');
        h.clock.advance(RECONCILE_MIN_AGE_MS + MINUTE);
        const young = await h.openRoom('T2', '5678');
        h.world.rc.closeBySomeoneElse(young); // its close event may still be on its way
        expect(await reconcile(h)).toBe(0);
        expect(h.tickets().map((t) => t.state)).toEqual(['open', 'open']);
        expect(h.world.httpFake.posts).toHaveLength(0);
    });

    it('marks a ticket stuck closing (a /room.close cut short) closed, without a close-room', async () => {
        const h = new Harness();
        const roomId = await h.openRoom('T1', '1234');
        const [ticket] = h.ticket('T1');
        await new TicketStore(h.world.persistence, h.world.persistence).update({ ...ticket, state: 'closing' });
        h.world.rc.closeBySomeoneElse(roomId);
        h.clock.advance(RECONCILE_MIN_AGE_MS + MINUTE);
        expect(await reconcile(h)).toBe(1);
        expect(h.ticket('T1')[0].state).toBe('closed');
        while (await h.runNextJob()) { /* run the scheduler until nothing is left */ }
        expect(h.world.httpFake.posts).toHaveLength(0);
    });

    it('gives a ticket it settles its full grace period, however long ago Rocket.Chat closed the room', async () => {
        const h = new Harness();
        const roomId = await h.openRoom('T1', '1234');
        h.world.rc.closeBySomeoneElse(roomId);
        h.clock.advance(3 * 60 * MINUTE);
        expect(await reconcile(h)).toBe(1);
        const closed = h.tickets().filter((t) => t.state === 'closed');
        expect(closed).toHaveLength(1);
        expect(h.world.persistence.peek(Keys.closedSlot(Math.floor(h.clock.now() / MINUTE)))).toHaveLength(1);
    });

    describe('bounded work per run, whatever the number of open tickets', () => {
        for (const open of [10, 5000]) {
            it(`with ${open} open: looks at no more than ${RECONCILE_BATCH} tickets, receives no more than those and one bucket`, async () => {
                const h = new Harness();
                const rooms = await seed(h, open);
                h.clock.advance(RECONCILE_MIN_AGE_MS + MINUTE);
                const { cost } = meter(h);
                await reconcile(h);
                expect(cost.rooms).toHaveLength(Math.min(open, RECONCILE_BATCH));
                expect(cost.records).toBeLessThanOrEqual(Math.min(open, RECONCILE_BATCH + largestBucket(rooms)));
                expect(cost.reads).toBeLessThanOrEqual(OPEN_BUCKETS + 1); // the buckets, and its cursor
            });
        }

        it('looks at every one of 5,000 open tickets within 5,000/batch runs, carrying on where the last run stopped', async () => {
            const h = new Harness();
            const rooms = await seed(h, 5000);
            const lost = [rooms[7], rooms[2500], rooms[4999]];
            lost.forEach((r) => h.world.rc.closeBySomeoneElse(r));
            h.clock.advance(RECONCILE_MIN_AGE_MS + MINUTE);
            const { cost, reset } = meter(h);
            const runs = Math.ceil(5000 / RECONCILE_BATCH);
            const looked: Array<string> = [];
            let settled = 0;
            for (let run = 0; run < runs; run++) {
                reset();
                settled += await reconcile(h);
                looked.push(...cost.rooms);
                // A resumed run also receives what it looked at last time in its first bucket, and the rest of its last one.
                expect(cost.records).toBeLessThanOrEqual(1 + RECONCILE_BATCH + 2 * largestBucket(rooms));
            }
            expect(new Set(looked).size).toBe(5000);
            expect(looked).toHaveLength(runs * RECONCILE_BATCH);
            expect(settled).toBe(3);
            expect(lost.map((r) => h.world.persistence.peek<Ticket>(Keys.room(r))[0].state)).toEqual(['closed', 'closed', 'closed']);
        });

        it('wraps round: the next pass starts again from the first bucket', async () => {
            const h = new Harness();
            await seed(h, 150);
            h.clock.advance(RECONCILE_MIN_AGE_MS + MINUTE);
            const { cost } = meter(h);
            for (let run = 0; run < 4; run++) {
                await reconcile(h);
            }
            const seen = new Map<string, number>();
            cost.rooms.forEach((r) => seen.set(r, (seen.get(r) || 0) + 1));
            expect(cost.rooms).toHaveLength(4 * RECONCILE_BATCH);
            expect(seen.size).toBe(150);
            expect(Math.max(...seen.values())).toBeLessThanOrEqual(3);
        });

        it('with fewer open than a batch, looks at all of them every run', async () => {
            const h = new Harness();
            const rooms = await seed(h, 10);
            h.clock.advance(RECONCILE_MIN_AGE_MS + MINUTE);
            const { cost } = meter(h);
            await reconcile(h);
            expect(cost.rooms.slice().sort()).toEqual(rooms.slice().sort());
            await reconcile(h);
            expect(cost.rooms.slice(10).sort()).toEqual(rooms.slice().sort());
        });

        it('a second cursor record (two first runs at once) is dropped, and the runs carry on', async () => {
            const h = new Harness();
            await seed(h, 10);
            h.clock.advance(RECONCILE_MIN_AGE_MS + MINUTE);
            await h.world.persistence.createWithAssociation({ bucket: 5, after: '' }, Keys.reconcileCursor());
            await h.world.persistence.createWithAssociation({ bucket: 9, after: '' }, Keys.reconcileCursor());
            const { cost } = meter(h);
            await reconcile(h);
            expect(new Set(cost.rooms).size).toBe(10);
            expect(h.world.persistence.peek(Keys.reconcileCursor())).toHaveLength(1);
        });
    });
});
