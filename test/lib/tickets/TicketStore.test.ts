/// <reference types="jest" />
import { Keys } from '../../../lib/core/Associations';
import { bucketOf, OPEN_BUCKETS, slotOf } from '../../../lib/tickets/TicketLayout';
import { isOpen, Ticket, TicketStore } from '../../../lib/tickets/TicketStore';
import { MINUTE, SECOND } from '../../fakes/Clock';
import { FakePersistence } from '../../fakes/FakePersistence';

const ticket = (ticketId: string, roomId: string, token: string, extra: Partial<Ticket> = {}): Ticket => ({
    ticketId, roomId, visitor: { id: `v-${token}`, token, username: `guest-${token}`, name: 'Ana' }, openedAt: 1000, state: 'open', ...extra,
});

describe('TicketStore', () => {
    let persistence: FakePersistence;
    let store: TicketStore;

    beforeEach(() => {
        persistence = new FakePersistence();
        store = new TicketStore(persistence, persistence);
    });

    it('finds a ticket by ticket id, visitor token and room id', async () => {
        await store.create(ticket('T1', 'R1', '1234'));
        await store.create(ticket('T2', 'R2', '5678'));
        expect((await store.byTicket('T1')).map((t) => t.roomId)).toEqual(['R1']);
        expect((await store.byVisitor('5678')).map((t) => t.ticketId)).toEqual(['T2']);
        expect((await store.byRoom('R2'))!.ticketId).toBe('T2');
        expect(await store.byRoom('R9')).toBeUndefined();
    });

    it('files an open ticket in its room\'s bucket and a closed one in the minute it was marked closed', async () => {
        const t1 = ticket('T1', 'R1', '1234');
        await store.create(t1);
        await store.create(ticket('T2', 'R2', '5678'));
        await store.markClosed(t1, 5000, 3 * MINUTE + 5);
        expect((await store.openInBucket(bucketOf('R2'))).map((t) => t.ticketId)).toEqual(['T2']);
        expect(await store.openInBucket(bucketOf('R1'))).toEqual([]);
        expect(persistence.peek(Keys.closedSlot(3))).toEqual([expect.objectContaining({ ticketId: 'T1', state: 'closed', closedAt: 5000 })]);
        expect(await store.countOpen()).toBe(1);
        expect(persistence.size).toBe(2);
    });

    it('still finds a closed ticket by room, ticket and visitor', async () => {
        const t1 = ticket('T1', 'R1', '1234');
        await store.create(t1);
        await store.markClosed(t1, 5000);
        expect((await store.byRoom('R1'))!.state).toBe('closed');
        expect(await store.byTicket('T1')).toHaveLength(1);
        expect(await store.byVisitor('1234')).toHaveLength(1);
    });

    it('finds the room\'s ticket at every step of closing it (a late agent message looks it up meanwhile)', async () => {
        const t1 = ticket('T1', 'R1', '1234');
        await store.create(t1);
        const seen: Array<string | undefined> = [];
        const look = async () => {
            const found = await store.byRoom('R1');
            seen.push(found && found.ticketId);
        };
        const create = persistence.createWithAssociations.bind(persistence);
        const remove = persistence.removeByAssociations.bind(persistence);
        persistence.createWithAssociations = async (data, associations) => {
            await look();
            return create(data, associations);
        };
        persistence.removeByAssociations = async (associations) => {
            await look();
            const removed = await remove(associations);
            await look();
            return removed;
        };
        await store.markClosed(t1, 5000);
        expect(seen).toEqual(['T1', 'T1', 'T1']);
        expect(await store.byRoom('R1')).toEqual(expect.objectContaining({ state: 'closed', closedAt: 5000 }));
        expect(persistence.size).toBe(1);
    });

    it('update rewrites the stored record in place', async () => {
        const t1 = ticket('T1', 'R1', '1234');
        await store.create(t1);
        await store.update({ ...t1, state: 'closing' });
        expect((await store.byRoom('R1'))!.state).toBe('closing');
        expect((await store.openInBucket(bucketOf('R1'))).map((t) => t.state)).toEqual(['closing']);
        expect(persistence.size).toBe(1);
        expect(persistence.unmatchedUpdates).toEqual([]);
    });

    it('removes a whole minute slot of closed tickets in one call, and nothing else', async () => {
        await store.markClosed(ticket('T1', 'R1', '1'), 0, 2 * MINUTE);
        await store.markClosed(ticket('T2', 'R2', '2'), 0, 2 * MINUTE + 59 * SECOND);
        await store.markClosed(ticket('T3', 'R3', '3'), 0, 3 * MINUTE);
        await store.create(ticket('T4', 'R4', '4'));
        expect(await store.removeClosedSlot(2)).toBe(2);
        expect(await store.removeClosedSlot(2)).toBe(0);
        expect(persistence.peek<Ticket>(Keys.visitor('3')).concat(persistence.peek<Ticket>(Keys.visitor('4'))).map((t) => t.ticketId)).toEqual(['T3', 'T4']);
        expect(persistence.size).toBe(2);
    });

    it('files an open ticket under room, ticket, visitor, open-visitor, open and bucket keys, a closed one under room, ticket, visitor and slot', async () => {
        await store.create(ticket('T1', 'R1', '1234'));
        expect(persistence.keysOf(Keys.room('R1'))).toEqual([[
            'room:R1', 'misc:tickets:ticket:T1', 'misc:tickets:visitor:1234', 'misc:tickets:open-visitor:1234', 'misc:tickets:open', `misc:tickets:open-bucket:${bucketOf('R1')}`,
        ]]);
        await store.markClosed(ticket('T1', 'R1', '1234'), 5, 7 * MINUTE);
        expect(persistence.keysOf(Keys.room('R1'))).toEqual([[
            'room:R1', 'misc:tickets:ticket:T1', 'misc:tickets:visitor:1234', 'misc:tickets:closed-at:7',
        ]]);
    });

    it("reads a visitor's open tickets without its closed ones", async () => {
        await store.create(ticket('T1', 'R1', '1234'));
        await store.markClosed(ticket('T1', 'R1', '1234'), 5);
        await store.create(ticket('T2', 'R2', '1234'));
        expect((await store.openByVisitor('1234')).map((t) => t.ticketId)).toEqual(['T2']);
        expect((await store.byVisitor('1234')).map((t) => t.ticketId).sort()).toEqual(['T1', 'T2']);
    });

    it('counts a closing ticket as open (its room is not closed yet) and a closed one as not', () => {
        expect(isOpen(ticket('T', 'R', '1'))).toBe(true);
        expect(isOpen(ticket('T', 'R', '1', { state: 'closing' }))).toBe(true);
        expect(isOpen(ticket('T', 'R', '1', { state: 'closed' }))).toBe(false);
    });
    describe('layout', () => {
        it('spreads rooms over every bucket, each room always in the same one', () => {
            const counts = new Array(OPEN_BUCKETS).fill(0);
            for (let i = 0; i < 50 * OPEN_BUCKETS; i++) {
                counts[bucketOf(`room-${i}`)]++;
            }
            expect(Math.min(...counts)).toBeGreaterThan(20);
            expect(Math.max(...counts)).toBeLessThan(80);
            expect(bucketOf('hvLwAnEx3ZBDq8r5S')).toBe(bucketOf('hvLwAnEx3ZBDq8r5S'));
        });

        it('slots a moment by its minute', () => {
            expect(slotOf(0)).toBe(0);
            expect(slotOf(MINUTE - 1)).toBe(0);
            expect(slotOf(MINUTE)).toBe(1);
        });
    });

    describe('tickets stored by 1.0 (flat kind markers, no layout)', () => {
        const legacy = (t: Ticket) => persistence.createWithAssociations(t, [
            Keys.room(t.roomId), Keys.ticket(t.ticketId), Keys.visitor(t.visitor.token), Keys.openVisitor(t.visitor.token), Keys.legacyOpenTickets(),
        ]);

        it('updates, closes and counts them in place', async () => {
            const old = ticket('T1', 'R1', '1234');
            await legacy(old);
            expect(await store.countOpen()).toBe(1);
            const [stored] = await store.openByVisitor('1234');
            await store.update({ ...stored, state: 'closing' });
            expect(persistence.unmatchedUpdates).toEqual([]);
            expect((await store.legacyOpen()).map((t) => t.state)).toEqual(['closing']);
            await store.markClosed(stored, 5000);
            expect(await store.legacyOpen()).toEqual([]);
            expect(await store.byRoom('R1')).toEqual(expect.objectContaining({ state: 'closed' }));
            expect(persistence.size).toBe(1);
        });

        it('moves one into its bucket, found by room at every step', async () => {
            await legacy(ticket('T1', 'R1', '1234'));
            const [old] = await store.legacyOpen();
            await store.moveLegacy(old);
            expect(await store.legacyOpen()).toEqual([]);
            expect(await store.openInBucket(bucketOf('R1'))).toEqual([expect.objectContaining({ ticketId: 'T1', state: 'open' })]);
            expect(persistence.size).toBe(1);
            await store.update({ ...(await store.byRoom('R1'))!, state: 'closing' });
            expect(persistence.unmatchedUpdates).toEqual([]);
        });

        it('does not bring back a ticket closed while it was being moved', async () => {
            await legacy(ticket('T1', 'R1', '1234'));
            const [old] = await store.legacyOpen();
            await store.markClosed(old, 5000); // another instance closes it after the sweep read it
            await store.moveLegacy(old);
            expect(await store.openInBucket(bucketOf('R1'))).toEqual([]);
            expect(await store.openByVisitor('1234')).toEqual([]);
            expect(persistence.peek<Ticket>(Keys.room('R1')).map((t) => t.state)).toEqual(['closed']);
        });

        it('keeps a change made while it was being moved', async () => {
            await legacy(ticket('T1', 'R1', '1234'));
            const [old] = await store.legacyOpen();
            await store.update({ ...old, state: 'closing' }); // a /room.close after the sweep read it
            await store.moveLegacy(old);
            expect(await store.openInBucket(bucketOf('R1'))).toEqual([expect.objectContaining({ state: 'closing' })]);
            expect(persistence.size).toBe(1);
        });
    });
});
