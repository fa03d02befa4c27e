import { IPersistence, IPersistenceRead } from '@rocket.chat/apps-engine/definition/accessors';
import { Keys } from '../core/Associations';
import { JobCursor } from '../core/JobCursor';
import { slotOf } from './TicketLayout';
import { TicketStore } from './TicketStore';

/** How long a closed ticket is kept at least, so late agent messages and repeated /room.close still find it. */
export const CLOSED_GRACE_MS = 10 * 60 * 1000;
/**
 * Minute slots one sweep removes at most. The sweep runs every minute, so one slot a run
 * keeps up; after the app was stopped, each run catches up an hour.
 */
export const SWEEP_SLOTS_PER_RUN = 60;

/** The next slot to remove. */
export interface SweepPosition {
    slot: number;
}

/**
 * Removes the closed tickets whose grace period is over, a whole minute slot at a
 * time: one call per slot, whatever it holds, and no read. A slot goes once every
 * ticket in it was marked closed more than `CLOSED_GRACE_MS` ago, so a ticket is kept
 * between the grace period and a minute (plus the sweep interval) longer. Work per
 * run is bounded by `SWEEP_SLOTS_PER_RUN` calls, whatever the number of open or closed
 * tickets; the records removed are each removed once.
 *
 * Instances mark tickets closed with their own clocks: a clock behind the sweeping
 * instance's by more than the grace period could file a ticket in a slot already
 * removed, and it would stay (stored, harmless, never swept).
 */
export async function sweepClosedTickets(reader: IPersistenceRead, persis: IPersistence, now: number): Promise<number> {
    const store = new TicketStore(reader, persis);
    const cursor = new JobCursor<SweepPosition>(reader, persis, Keys.sweepCursor());
    const due = slotOf(now - CLOSED_GRACE_MS); // slots before this one are past their grace entirely
    // The first run (a new install, or just upgraded) looks back one run's worth: tickets closed by
    // this version before the sweep first ran, e.g. by an upgraded instance in a rolling upgrade.
    const from = ((await cursor.read(lowest)) || { slot: due - SWEEP_SLOTS_PER_RUN }).slot;
    const to = Math.min(due, from + SWEEP_SLOTS_PER_RUN);
    let removed = 0;
    for (let slot = from; slot < to; slot++) {
        removed += await store.removeClosedSlot(slot);
    }
    if (to > from) {
        await cursor.write({ slot: to });
    }
    return removed;
}

/** Of two cursors written at once, the one behind: removing a slot again is harmless, skipping one is not. */
const lowest = (saved: Array<SweepPosition>) => saved.reduce((a, b) => (b.slot < a.slot ? b : a));
