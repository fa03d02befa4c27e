/**
 * Where a ticket record is filed, so the scheduled jobs can take a bounded share
 * of the tickets per run: app persistence answers a key with every record under
 * it (no limit, no cursor), so the only way to read less is to file under more keys.
 */

/**
 * Open tickets are spread over this many buckets by a hash of their room id; the
 * reconcile job reads one bucket at a time. Tickets stay in the bucket they were
 * filed in, so this may be raised (every old bucket is still read) but never lowered.
 */
export const OPEN_BUCKETS = 128;

/** Closed tickets are filed by the minute they were marked closed; the sweep removes a slot at a time. */
export const CLOSED_SLOT_MS = 60 * 1000;

/**
 * Stored in each ticket record written with buckets and slots. Updates must name a
 * record's keys exactly, and the keys follow from the data: the store tags a record
 * read without it (stored by 1.0, under the flat kind markers) `LEGACY_LAYOUT`, and
 * treats any ticket not so tagged (one just built, say) as current.
 */
export const TICKET_LAYOUT = 2;
export const LEGACY_LAYOUT = 1;

/** The room's bucket: a polynomial hash of the id modulo a prime, the same in every instance and version. */
export function bucketOf(roomId: string): number {
    let hash = 0;
    for (let i = 0; i < roomId.length; i++) {
        hash = (hash * 131 + roomId.charCodeAt(i)) % 2147483647; // stays well inside a double's exact integers
    }
    return hash % OPEN_BUCKETS;
}

/** The slot of a moment: whole minutes since the epoch. */
export const slotOf = (ms: number): number => Math.floor(ms / CLOSED_SLOT_MS);
