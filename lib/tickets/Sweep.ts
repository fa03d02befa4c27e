import { IPersistence, IPersistenceRead } from '@rocket.chat/apps-engine/definition/accessors';
import { Keys } from '../core/Associations';
import { JobCursor } from '../core/JobCursor';
import { slotOf } from './TicketLayout';
import { LegacyResult, moveLegacyTickets } from './LegacyTickets';
import { TicketStore } from './TicketStore';

/** How long a closed ticket is kept at least, so late agent messages and repeated /room.close still find it. */
export const CLOSED_GRACE_MS = 10 * 60 * 1000;
/**
 * Minute slots one sweep removes at most. The sweep runs every minute, so one slot a run
 * keeps up; after the app was stopped, each run catches up an hour.
 */
export const SWEEP_SLOTS_PER_RUN = 60;

/**
 * The first run (no cursor yet: a new install, or just upgraded) starts this many slots
 * back, once: tickets this version marked closed before its first sweep, which Agenda
 * can hold up for its 10-minute lock lifetime (a lock left by a stopped instance),
 * plus the grace period.
 */
export const FIRST_LOOKBACK_SLOTS = 20;
/** Tickets stored by 1.0 are looked for every run while some are left, and then every this many. */
export const LEGACY_CHECK_SLOTS = 10;

/** The next slot to remove, and whether the last look found tickets stored by 1.0. */
export interface SweepPosition {
    slot: number;
    legacy: boolean;
}

/**
 * Removes the closed tickets whose grace period is over, a whole minute slot at a
 * time: one call per slot, whatever it holds, and no read. A slot goes once every
 * ticket in it was marked closed more than `CLOSED_GRACE_MS` ago, so a ticket is kept
 * between the grace period and a minute (plus the sweep interval) longer. Work per
 * run is bounded by `SWEEP_SLOTS_PER_RUN` calls, whatever the number of open or closed
 * tickets; the records removed are each removed once. Then the tickets stored by 1.0
 * (`moveLegacyTickets`): every run while some are left, and every `LEGACY_CHECK_SLOTS`
 * minutes after, in case an instance still running 1.0 during an update stored more.
 *
 * Instances mark tickets closed with their own clocks: a clock behind the sweeping
 * instance's by more than the grace period could file a ticket in a slot already
 * removed, and it would stay (stored, harmless, never swept).
 */
export async function sweepTickets(reader: IPersistenceRead, persis: IPersistence, now: number): Promise<SweepResult> {
    const store = new TicketStore(reader, persis);
    const cursor = new JobCursor<SweepPosition>(reader, persis, Keys.sweepCursor());
    const due = slotOf(now - CLOSED_GRACE_MS); // slots before this one are past their grace entirely
    const saved = await cursor.read(lowest);
    const from = saved ? saved.slot : due - FIRST_LOOKBACK_SLOTS;
    const to = Math.max(from, Math.min(due, from + SWEEP_SLOTS_PER_RUN));
    let removed = 0;
    for (let slot = from; slot < to; slot++) {
        removed += await store.removeClosedSlot(slot);
    }
    let legacy = saved ? saved.legacy : true;
    const lookForLegacy = legacy || Math.floor(to / LEGACY_CHECK_SLOTS) > Math.floor(from / LEGACY_CHECK_SLOTS);
    const upgraded = lookForLegacy ? await moveLegacyTickets(store, now - CLOSED_GRACE_MS) : { moved: 0, removed: 0, left: 0 };
    legacy = lookForLegacy ? upgraded.moved + upgraded.removed + upgraded.left > 0 : legacy;
    if (!saved || to > from || legacy !== saved.legacy) {
        await cursor.write({ slot: to, legacy });
    }
    return { removed, legacy: upgraded };
}

export interface SweepResult {
    /** Closed tickets removed from their slots. */
    removed: number;
    legacy: LegacyResult;
}

/** Of two cursors written at once, the one behind: removing a slot again is harmless, skipping one is not. */
const lowest = (saved: Array<SweepPosition>) => saved.reduce((a, b) => (b.slot < a.slot ? b : a));
