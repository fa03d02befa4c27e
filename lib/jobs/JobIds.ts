/** Scheduler processor ids, registered by the app and used when scheduling. */
export const JobId = {
    /** A webhook delivery pass over every ticket with a due event: data `{ ticketId }` of the ticket that asked for it. */
    Deliver: 'tickets-deliver-webhooks',
    /** Every minute: a delivery pass (for events whose job was lost), removes closed tickets past their grace period, moves tickets stored by 1.0. */
    Sweep: 'tickets-sweep',
    /** Posts the chatbot history into a new room: data `HistoryJobData`. */
    History: 'tickets-history',
    /** Every ten minutes: settles open tickets whose room was closed without the app hearing of it. */
    Reconcile: 'tickets-reconcile',
};

export const SWEEP_INTERVAL = '60 seconds';
export const RECONCILE_INTERVAL = '10 minutes';
