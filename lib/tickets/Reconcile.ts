import { ILivechatRoom } from '@rocket.chat/apps-engine/definition/livechat';
import { Accessors } from '../core/Accessors';
import { Runtime } from '../core/Runtime';
import { ticketRoomClosed } from './RoomClosed';
import { storeOf } from './RoomAccess';

/** Rooms checked per run, picked at random among the open tickets old enough. */
export const RECONCILE_BATCH = 100;
/** A ticket younger than this is left alone: its close event may simply be on its way. */
export const RECONCILE_MIN_AGE_MS = 10 * 60 * 1000;

/**
 * The safety net for a close event the app never received (its runtime was down
 * or restarting when Rocket.Chat closed the room): an open ticket whose room is
 * closed gets what the close handler would have done, so RapidPro still hears
 * close-room and the contact is not left in a ticket nobody sees. A ticket stuck
 * `closing` (a /room.close cut short) is just marked closed. Returns how many
 * tickets it settled.
 */
export async function reconcileClosedRooms(runtime: Runtime, a: Accessors, random: () => number = Math.random): Promise<number> {
    const store = storeOf(a);
    const cutoff = runtime.now() - RECONCILE_MIN_AGE_MS;
    const candidates = (await store.openTickets()).filter((t) => t.openedAt < cutoff);
    let settled = 0;
    for (const ticket of sample(candidates, RECONCILE_BATCH, random)) {
        const room = (await a.read.getRoomReader().getById(ticket.roomId)) as ILivechatRoom | undefined;
        if (room && room.isOpen) {
            continue;
        }
        if (ticket.state === 'closing') {
            await store.markClosed(ticket, runtime.now());
        } else {
            a.logger.warn(`ticket ${ticket.ticketId}: room ${ticket.roomId} was closed without the app hearing of it; sending close-room now`);
            await ticketRoomClosed(room || ({ id: ticket.roomId } as ILivechatRoom), a, runtime);
        }
        settled++;
    }
    return settled;
}

/** Up to `n` items in random order (a partial Fisher–Yates shuffle of a copy). */
function sample<T>(items: Array<T>, n: number, random: () => number): Array<T> {
    const copy = items.slice();
    const count = Math.min(n, copy.length);
    for (let i = 0; i < count; i++) {
        const j = i + Math.floor(random() * (copy.length - i));
        [copy[i], copy[j]] = [copy[j], copy[i]];
    }
    return copy.slice(0, count);
}
