/// <reference types="jest" />
import { Keys } from '../../../lib/core/Associations';
import { CLOSED_GRACE_MS, FIRST_LOOKBACK_SLOTS, LEGACY_CHECK_SLOTS, SWEEP_SLOTS_PER_RUN, sweepTickets } from '../../../lib/tickets/Sweep';
import { slotOf } from '../../../lib/tickets/TicketLayout';
import { Ticket, TicketStore } from '../../../lib/tickets/TicketStore';
import { CallCounter } from '../../fakes/CallCounter';
import { Clock, HOUR, MINUTE, SECOND } from '../../fakes/Clock';
import { FakePersistence } from '../../fakes/FakePersistence';

const ticket = (i: number, openedAt: number): Ticket => ({
    ticketId: `T${i}`, roomId: `room-${i}`, visitor: { id: `v${i}`, token: `${10000 + i}`, username: `guest-${i}`, name: 'Ana' }, openedAt, state: 'open',
});

describe('sweeping closed tickets', () => {
    let clock: Clock;
    let persistence: FakePersistence;
    let store: TicketStore;
    let calls: CallCounter;
    /** One sweep as the job runs it, through counted accessors; the records its calls returned. */
    let sweep: () => Promise<{ removed: number; calls: number; records: number; legacyReads: number }>;

    beforeEach(() => {
        clock = new Clock();
        persistence = new FakePersistence();
        store = new TicketStore(persistence, persistence);
        calls = new CallCounter();
        const counted = calls.wrap('persistence', persistence);
        sweep = async () => {
            calls.reset();
            let records = 0;
            const metered = new Proxy(counted, {
                get: (target, property) => {
                    const value = Reflect.get(target, property);
                    return typeof value !== 'function' ? value : async (...args: Array<never>) => {
                        const result = await (value as (...a: Array<never>) => unknown).apply(target, args);
                        records += Array.isArray(result) ? result.length : 0;
                        return result;
                    };
                },
            });
            const { removed } = await sweepTickets(metered, metered, clock.now());
            const legacyReads = calls.of('persistence.readByAssociation') - 1; // all but the cursor's
            return { removed, calls: calls.total(), records, legacyReads };
        };
    });

    const openMany = async (count: number, from = 0) => {
        for (let i = from; i < from + count; i++) {
            await store.create(ticket(i, clock.now()));
        }
    };
    const closeMany = async (count: number, from: number) => {
        for (let i = from; i < from + count; i++) {
            await store.markClosed(ticket(i, 0), clock.now());
        }
    };

    it('keeps a closed ticket for the grace period, and removes it within the minute after', async () => {
        await sweep(); // at startup
        await openMany(1);
        await closeMany(1, 0);
        clock.advance(CLOSED_GRACE_MS - 1);
        expect((await sweep()).removed).toBe(0);
        clock.advance(MINUTE + 1);
        expect((await sweep()).removed).toBe(1);
        expect(persistence.size).toBe(1); // its cursor
    });

    for (const open of [10, 5000]) {
        it(`costs the same few calls a minute with ${open} open tickets, and receives only the tickets it removes`, async () => {
            await sweep();
            await openMany(open);
            for (let minute = 0; minute < 15; minute++) {
                await closeMany(2, 100000 + 2 * minute); // two tickets closed each minute
                clock.advance(MINUTE);
                const run = await sweep();
                // Cursor read, a slot, cursor write; every tenth minute a look for tickets stored by 1.0 (two reads).
                expect(run.calls).toBeLessThanOrEqual(3 + run.legacyReads);
                expect(run.legacyReads).toBeLessThanOrEqual(2);
                expect(run.records).toBeLessThanOrEqual(1 + 2); // the cursor, and a slot of two
            }
            expect(persistence.peekPrefix('misc:tickets:closed-at:')).toHaveLength(2 * 10); // the last ten minutes' closes
            expect(persistence.peek(Keys.openTickets())).toHaveLength(open);
        });
    }

    it('with 5,000 closed tickets still in their grace period, a run receives none of them', async () => {
        await sweep();
        await closeMany(5000, 0);
        for (let minute = 0; minute < 9; minute++) {
            clock.advance(MINUTE);
            const run = await sweep();
            expect(run.records).toBeLessThanOrEqual(1);
            expect(run.calls).toBeLessThanOrEqual(3 + run.legacyReads);
        }
        expect(persistence.peekPrefix('misc:tickets:closed-at:')).toHaveLength(5000);
    });

    it('after a long stop, catches up an hour of slots a run, and removes every ticket closed meanwhile', async () => {
        await sweep();
        for (let hour = 0; hour < 5; hour++) {
            await closeMany(3, 10 * hour);
            clock.advance(HOUR);
        }
        const runs: Array<number> = [];
        for (let run = 0; run < 6; run++) {
            const { calls: made, removed } = await sweep();
            expect(made).toBeLessThanOrEqual(SWEEP_SLOTS_PER_RUN + 2 + 2); // the slots, the cursor, a look for 1.0 tickets
            runs.push(removed);
            clock.advance(MINUTE);
        }
        expect(runs.reduce((a, b) => a + b)).toBe(15);
        expect(persistence.size).toBe(1);
    });

    it(`starts, the first time, ${FIRST_LOOKBACK_SLOTS} slots before the one due: tickets closed before a first sweep held up by a lock go too`, async () => {
        await closeMany(4, 0); // the app has started; its first sweep waits for a lock a stopped instance left
        clock.advance(10 * MINUTE + CLOSED_GRACE_MS - MINUTE);
        const first = await sweep();
        expect(first.removed).toBe(4);
        expect(first.calls).toBeLessThanOrEqual(1 + FIRST_LOOKBACK_SLOTS + 1 + 2);
        await closeMany(3, 10);
        clock.advance(CLOSED_GRACE_MS + MINUTE);
        expect((await sweep()).removed).toBe(3);
    });

    it('looks for tickets stored by 1.0 every run while some are left, then every ten minutes, and still finds a late one', async () => {
        const legacy = (i: number) => persistence.createWithAssociations(ticket(i, 0), [
            Keys.room(`room-${i}`), Keys.ticket(`T${i}`), Keys.visitor(`${10000 + i}`), Keys.openVisitor(`${10000 + i}`), Keys.legacyOpenTickets(),
        ]);
        await legacy(1);
        const looks: Array<number> = [];
        for (let minute = 0; minute < 3 * LEGACY_CHECK_SLOTS; minute++) {
            if (minute === 12) {
                await legacy(2); // an instance still running 1.0 during the update
            }
            looks.push((await sweep()).legacyReads);
            clock.advance(MINUTE);
        }
        expect(looks.slice(0, 2)).toEqual([2, 2]); // moved one; then found none left
        expect(looks.reduce((a, b) => a + b)).toBeLessThanOrEqual(2 * 2 + 2 * 2 + 2);
        expect(persistence.peek(Keys.legacyOpenTickets())).toEqual([]);
        expect(persistence.peek<Ticket>(Keys.openTickets()).map((t) => t.ticketId).sort()).toEqual(['T1', 'T2']);
    });

    it('does nothing to slots not yet due, and leaves its cursor alone while none is', async () => {
        await sweep();
        const cursor = persistence.peek<{ slot: number }>(Keys.sweepCursor());
        expect(cursor).toEqual([{ slot: slotOf(clock.now() - CLOSED_GRACE_MS), legacy: false }]);
        clock.advance(30 * SECOND);
        expect((await sweep()).calls).toBeLessThanOrEqual(1 + 1);
        expect(persistence.peek(Keys.sweepCursor())).toEqual(cursor);
    });

    it('of two cursors written at once, carries on from the one behind, and keeps one', async () => {
        const due = slotOf(clock.now() - CLOSED_GRACE_MS);
        await persistence.createWithAssociation({ slot: due - 5, legacy: false }, Keys.sweepCursor());
        await persistence.createWithAssociation({ slot: due - 2, legacy: false }, Keys.sweepCursor());
        await store.markClosed(ticket(1, 0), 0, (due - 4) * MINUTE);
        expect((await sweep()).removed).toBe(1);
        expect(persistence.peek(Keys.sweepCursor())).toEqual([{ slot: due, legacy: false }]);
    });
});
