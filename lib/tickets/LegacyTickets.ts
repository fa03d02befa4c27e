import { TicketStore } from './TicketStore';

/** Tickets stored by 1.0 that one sweep moves or removes at most. */
export const LEGACY_BATCH = 100;

/**
 * The upgrade from 1.0, which filed every open ticket under one key and every
 * closed one under another: the sweep moves the open ones into their buckets (so
 * the reconcile job sees them) and removes the closed ones once their grace
 * period is over, `LEGACY_BATCH` of each a run. Nothing is filed under the old keys
 * any more, so their reads only shrink: at most what was open (or closed in the
 * grace period) at the upgrade, then nothing (and the sweep stops looking every
 * run). Until a ticket is moved, every request finds it as before (the store reads
 * and updates either layout). `closedBefore`: a closed ticket closed before it is past
 * its grace period.
 */
export async function moveLegacyTickets(store: TicketStore, closedBefore: number): Promise<LegacyResult> {
    const open = await store.legacyOpen();
    const moving = open.slice(0, LEGACY_BATCH);
    for (const ticket of moving) {
        await store.moveLegacy(ticket);
    }
    const closed = await store.legacyClosed();
    const expired = closed.filter((t) => (t.closedAt || 0) < closedBefore).slice(0, LEGACY_BATCH);
    for (const ticket of expired) {
        await store.removeLegacyClosed(ticket);
    }
    return { moved: moving.length, removed: expired.length, left: open.length - moving.length + closed.length - expired.length };
}

export interface LegacyResult {
    moved: number;
    removed: number;
    /** Still stored under the old keys after this run. */
    left: number;
}
