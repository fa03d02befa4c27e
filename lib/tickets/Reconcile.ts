import { ILivechatRoom } from '@rocket.chat/apps-engine/definition/livechat';
import { Accessors } from '../core/Accessors';
import { Keys } from '../core/Associations';
import { JobCursor } from '../core/JobCursor';
import { Runtime } from '../core/Runtime';
import { ticketRoomClosed } from './RoomClosed';
import { storeOf } from './RoomAccess';
import { OPEN_BUCKETS } from './TicketLayout';
import { Ticket } from './TicketStore';

/** Open tickets looked at per run at most (each old enough costs one room read). */
export const RECONCILE_BATCH = 100;
/** A ticket younger than this is left alone: its close event may simply be on its way. */
export const RECONCILE_MIN_AGE_MS = 10 * 60 * 1000;

/** The next ticket to look at: the first in `bucket` whose room id sorts after `after` ('' = the bucket's first). */
export interface ReconcilePosition {
    bucket: number;
    after: string;
}

/**
 * The safety net for a close event the app never received (its runtime was down
 * or restarting when Rocket.Chat closed the room): an open ticket whose room is
 * closed gets what the close handler would have done, so RapidPro still hears
 * close-room and the contact is not left in a ticket nobody sees. A ticket stuck
 * `closing` (a /room.close cut short) is just marked closed. Returns how many
 * tickets it settled.
 *
 * Work per run is bounded whatever the number of open tickets: the run carries on
 * from where the last one stopped, reading whole buckets in turn (in room id order
 * within one) until it has looked at `RECONCILE_BATCH` tickets or read every bucket
 * once. So a run makes at most `OPEN_BUCKETS` bucket reads and `RECONCILE_BATCH`
 * room reads, and receives at most `RECONCILE_BATCH` tickets plus the part of the
 * bucket it resumes in that it had looked at and the part of the one it stops in
 * that it has not: two buckets at most, about 2 × open/`OPEN_BUCKETS` (the one
 * term that grows: some 160 tickets at 10,000 open). With fewer than
 * `RECONCILE_BATCH` open, every run looks at all of them; otherwise every ticket
 * is looked at once per pass over the buckets, i.e. within about
 * open/`RECONCILE_BATCH` runs.
 */
export async function reconcileClosedRooms(runtime: Runtime, a: Accessors): Promise<number> {
    const store = storeOf(a);
    const cursor = new JobCursor<ReconcilePosition>(a.read.getPersistenceReader(), a.persis, Keys.reconcileCursor());
    let at = (await cursor.read()) || { bucket: 0, after: '' };
    const cutoff = runtime.now() - RECONCILE_MIN_AGE_MS;
    let looked = 0;
    let settled = 0;
    for (let reads = 0; reads < OPEN_BUCKETS && looked < RECONCILE_BATCH; reads++) {
        const rest = (await store.openInBucket(at.bucket)).filter((t) => t.roomId > at.after).sort(byRoomId);
        const batch = rest.slice(0, RECONCILE_BATCH - looked);
        for (const ticket of batch) {
            if (ticket.openedAt < cutoff && (await settleIfClosed(ticket, a, runtime))) {
                settled++;
            }
        }
        looked += batch.length;
        at = batch.length < rest.length ? { bucket: at.bucket, after: batch[batch.length - 1].roomId } : { bucket: (at.bucket + 1) % OPEN_BUCKETS, after: '' };
    }
    await cursor.write(at);
    return settled;
}

/** Settles the ticket if Rocket.Chat closed its room; whether it did. Safe to repeat: the close handler checks the stored state. */
async function settleIfClosed(ticket: Ticket, a: Accessors, runtime: Runtime): Promise<boolean> {
    const room = (await a.read.getRoomReader().getById(ticket.roomId)) as ILivechatRoom | undefined;
    if (room && room.isOpen) {
        return false;
    }
    if (ticket.state === 'closing') {
        await storeOf(a).markClosed(ticket, runtime.now());
    } else {
        a.logger.warn(`ticket ${ticket.ticketId}: room ${ticket.roomId} was closed without the app hearing of it; sending close-room now`);
        await ticketRoomClosed(room || ({ id: ticket.roomId } as ILivechatRoom), a, runtime);
    }
    return true;
}

const byRoomId = (x: Ticket, y: Ticket) => (x.roomId < y.roomId ? -1 : x.roomId > y.roomId ? 1 : 0);
