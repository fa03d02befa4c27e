import { IPersistence, IPersistenceRead } from '@rocket.chat/apps-engine/definition/accessors';
import { CLOSED_GRACE_MS } from './Sweep';
import { TicketStore } from './TicketStore';

/** Tickets stored by 1.0 that one sweep moves or removes at most. */
export const LEGACY_BATCH = 100;

/**
 * The upgrade from 1.0, which filed every open ticket under one key and every
 * closed one under another: the sweep moves the open ones into their buckets (so
 * the reconcile job sees them) and removes the closed ones once their grace
 * period is over, `LEGACY_BATCH` of each a run. Nothing is filed under the old keys
 * any more, so their reads only shrink: at most what was open (or closed in the
 * grace period) at the upgrade, then nothing; after that each run costs two reads
 * that find nothing. Until a ticket is moved, every request finds it as before
 * (the store reads and updates either layout).
 */
export async function moveLegacyTickets(reader: IPersistenceRead, persis: IPersistence, now: number): Promise<{ moved: number; removed: number }> {
    const store = new TicketStore(reader, persis);
    const open = (await store.legacyOpen()).slice(0, LEGACY_BATCH);
    for (const ticket of open) {
        await store.moveLegacy(ticket);
    }
    const cutoff = now - CLOSED_GRACE_MS;
    const expired = (await store.legacyClosed()).filter((t) => (t.closedAt || 0) < cutoff).slice(0, LEGACY_BATCH);
    for (const ticket of expired) {
        await store.removeLegacyClosed(ticket);
    }
    return { moved: open.length, removed: expired.length };
}
