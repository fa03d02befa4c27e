import { RocketChatAssociationModel, RocketChatAssociationRecord } from '@rocket.chat/apps-engine/definition/metadata';

/**
 * Every persistence key the app uses, in one place. Records are always found by
 * these keys (never by scanning), so the cost of a lookup does not grow with the
 * number of tickets.
 */
const misc = (id: string) => new RocketChatAssociationRecord(RocketChatAssociationModel.MISC, id);

export const Keys = {
    /** The webhook URL RapidPro registered with PUT /settings. */
    webhookSettings: () => misc('tickets:webhook-settings'),
    ticket: (ticketId: string) => misc(`tickets:ticket:${ticketId}`),
    visitor: (token: string) => misc(`tickets:visitor:${token}`),
    /** Only on a visitor's open tickets (closed ones drop it). */
    openVisitor: (token: string) => misc(`tickets:open-visitor:${token}`),
    room: (roomId: string) => new RocketChatAssociationRecord(RocketChatAssociationModel.ROOM, roomId),
    /** Every open ticket: read only to count them for the admin's status (the jobs read buckets, never this). */
    openTickets: () => misc('tickets:open'),
    /** The open tickets of one bucket (`bucketOf` in lib/tickets/TicketLayout.ts): the reconcile job reads one at a time. */
    openBucket: (bucket: number) => misc(`tickets:open-bucket:${bucket}`),
    /** The closed tickets marked closed in one minute (`slotOf`): the sweep removes a whole slot once its grace is over. */
    closedSlot: (slot: number) => misc(`tickets:closed-at:${slot}`),
    /**
     * The flat kind markers of tickets stored by 1.0, before buckets and slots. Nothing is written
     * under them any more: the sweep moves the open ones to buckets and removes the closed ones.
     */
    legacyOpenTickets: () => misc('tickets:kind:open'),
    legacyClosedTickets: () => misc('tickets:kind:closed'),
    /** Where the reconcile job and the sweep carry on from, one record each. */
    reconcileCursor: () => misc('tickets:cursor:reconcile'),
    sweepCursor: () => misc('tickets:cursor:sweep'),
    /** Webhook events waiting for delivery, all of them and per ticket. */
    anyPending: () => misc('tickets:outbox:pending'),
    pendingFor: (ticketId: string) => misc(`tickets:outbox:ticket:${ticketId}`),
    /** The per-ticket job marker earlier builds wrote: only removed now, never written. */
    legacyDrainJob: (ticketId: string) => misc(`tickets:outbox:job:${ticketId}`),
    /** The markers of scheduled delivery jobs: all of them, and one by its token. */
    passMarkers: () => misc('tickets:outbox:next-pass'),
    passMarker: (token: string) => misc(`tickets:outbox:next-pass:${token}`),
    /** The time of the last agent message sent for a ticket, beside its queue (the order check's start). */
    sentMark: (ticketId: string) => misc(`tickets:outbox:sent:${ticketId}`),
    /** The lease of the delivery pass running now: all of them, and one by its token. */
    passLeases: () => misc('tickets:outbox:pass'),
    passLease: (token: string) => misc(`tickets:outbox:pass:${token}`),
    /** One queued or failed event, to update or remove it alone. */
    entry: (entryId: string) => misc(`tickets:outbox:entry:${entryId}`),
    /** Webhook events given up on, kept for the admin's status and retry. */
    anyFailed: () => misc('tickets:outbox:failed'),
};
