import { IPersistence, IPersistenceRead } from '@rocket.chat/apps-engine/definition/accessors';
import { RocketChatAssociationRecord } from '@rocket.chat/apps-engine/definition/metadata';
import { Keys } from '../core/Associations';
import { bucketOf, LEGACY_LAYOUT, slotOf, TICKET_LAYOUT } from './TicketLayout';

export type TicketState = 'open' | 'closing' | 'closed';

/** Just what is needed to post as the visitor without fetching it again. */
export interface TicketVisitor {
    id: string;
    /** RapidPro's token: the ticket is found by it and webhooks carry it. */
    token: string;
    /**
     * The token Rocket.Chat knows the visitor by, where it is not RapidPro's: Rocket.Chat
     * matches a new token to a visitor with the same phone and keeps that visitor's own token.
     */
    rocketChatToken?: string;
    username: string;
    name: string;
}

export interface Ticket {
    ticketId: string;
    roomId: string;
    visitor: TicketVisitor;
    contactUuid?: string;
    departmentId?: string;
    priority?: string;
    sessionStart?: string;
    openedAt: number;
    /** `closing` marks a close asked for by RapidPro, so the close handler sends no echo. */
    state: TicketState;
    closedAt?: number;
    /** `TICKET_LAYOUT` on records stored with buckets and slots; `LEGACY_LAYOUT` on those stored by 1.0, once read. */
    layout?: number;
    /**
     * Set on tickets opened by this version: their queued agent messages are filed under the room too
     * (lib/delivery/Outbox.ts), so the room's one read gives the ticket and its queue. Without it, the
     * queue may hold events filed before that, and is read on its own.
     */
    roomQueue?: boolean;
}

/**
 * Tickets in app persistence. One record per room, found by ticket id, visitor
 * token or room id. An open ticket is also filed in its room's bucket, so the
 * reconcile job can read a bounded share of them; a closed ticket is kept for a
 * grace period (so late agent messages still find their ticket and /room.close
 * stays idempotent) under the minute it was marked closed, so the sweep removes
 * it with that minute's slot. Records stored by 1.0 (no `layout`) keep their flat
 * kind markers until the sweep moves them (`moveLegacy`); every method here
 * handles both.
 */
export class TicketStore {
    constructor(private readonly reader: IPersistenceRead, private readonly persis: IPersistence) {}

    public async byTicket(ticketId: string): Promise<Array<Ticket>> {
        return this.read(Keys.ticket(ticketId));
    }

    /** Every ticket of the visitor still remembered, closed ones included. */
    public async byVisitor(token: string): Promise<Array<Ticket>> {
        return this.read(Keys.visitor(token));
    }

    /**
     * The visitor's open (or closing) tickets only: the busy paths read this, so a
     * contact with many recently closed tickets costs no more than one with none.
     */
    public async openByVisitor(token: string): Promise<Array<Ticket>> {
        return this.read(Keys.openVisitor(token));
    }

    public async byRoom(roomId: string): Promise<Ticket | undefined> {
        return (await this.inRoom(roomId)).ticket;
    }

    /**
     * The room's ticket, and every record filed under the room with it (the
     * queued agent messages of a ticket with `roomQueue`): one read for both.
     */
    public async inRoom(roomId: string): Promise<{ ticket?: Ticket; records: Array<unknown> }> {
        const records = (await this.reader.readByAssociation(Keys.room(roomId))) as Array<Ticket>;
        const ticket = records.filter(isTicketRecord)[0];
        return { ticket: ticket && tagged(ticket), records };
    }

    /**
     * How many tickets are open: a read of every open ticket, so only the admin's status
     * asks for it (one read when asked, never on a schedule or a RapidPro request).
     */
    public async countOpen(): Promise<number> {
        const [current, legacy] = await Promise.all([this.reader.readByAssociation(Keys.openTickets()), this.legacyOpen()]);
        return current.length + legacy.length;
    }

    /** The open tickets filed in one bucket: about 1/`OPEN_BUCKETS` of them. */
    public async openInBucket(bucket: number): Promise<Array<Ticket>> {
        return this.read(Keys.openBucket(bucket));
    }

    /** Removes every ticket marked closed in this slot, in one call; how many went. */
    public async removeClosedSlot(slot: number): Promise<number> {
        const removed = await this.persis.removeByAssociation(Keys.closedSlot(slot));
        return removed ? removed.length : 0;
    }

    /** Open tickets stored by 1.0. None are added, and `moveLegacy` takes them out. */
    public async legacyOpen(): Promise<Array<Ticket>> {
        return this.read(Keys.legacyOpenTickets());
    }

    /** Closed tickets stored by 1.0: only as many as were closed in the grace period before the upgrade. */
    public async legacyClosed(): Promise<Array<Ticket>> {
        return this.read(Keys.legacyClosedTickets());
    }

    public async create(ticket: Ticket): Promise<void> {
        const current: Ticket = { ...ticket, layout: TICKET_LAYOUT };
        await this.persis.createWithAssociations(current, this.keys(current));
    }

    /**
     * Rewrites the record in place (same room, same kind). Rocket.Chat updates only the record whose
     * associations equal the given list, so the list is the one the record was stored with: a 1.0
     * record keeps its own until the sweep moves it.
     */
    public async update(ticket: Ticket): Promise<void> {
        await this.persis.updateByAssociations(this.keys(ticket), ticket);
    }

    /**
     * Moves the ticket to the closed kind. Associations cannot change in place, so the closed record
     * is created first and then the open one removed (by the open-visitor key, which only open records
     * carry, in either layout): an agent's message sent just before the close is handled just after
     * it, and must find the room's ticket at every moment in between. The closed record is filed under
     * `now`, the minute it is marked, not the room's `closedAt`: the reconcile job marks rooms that
     * closed long ago, and their tickets must still get their grace period before the sweep.
     */
    public async markClosed(ticket: Ticket, closedAt: number, now: number = closedAt): Promise<Ticket> {
        const closed: Ticket = { ...ticket, state: 'closed', closedAt, layout: TICKET_LAYOUT };
        await this.persis.createWithAssociations(closed, this.closedKeys(closed, now));
        await this.persis.removeByAssociations([Keys.room(ticket.roomId), Keys.openVisitor(ticket.visitor.token)]);
        return closed;
    }

    /** Removes a closed ticket stored by 1.0, and nothing else of its room. */
    public async removeLegacyClosed(ticket: Ticket): Promise<void> {
        await this.persis.removeByAssociations([Keys.room(ticket.roomId), Keys.legacyClosedTickets()]);
    }

    /**
     * Refiles an open ticket stored by 1.0 in its bucket. Copy first, then remove the old record (a
     * lookup by room finds one at every moment, as in `markClosed`). The ticket was read before, and
     * another instance may have changed it since: the removed record says what it held last. Gone
     * already (closed meanwhile) → the copy goes too, or it would reopen a closed ticket; changed
     * (marked closing) → the copy takes the change.
     */
    public async moveLegacy(old: Ticket): Promise<void> {
        const moved: Ticket = { ...old, layout: TICKET_LAYOUT };
        await this.persis.createWithAssociations(moved, this.keys(moved));
        const removed = (await this.persis.removeByAssociations([Keys.room(old.roomId), Keys.legacyOpenTickets()])) as Array<Ticket> | undefined;
        const last = removed && removed[0] && tagged(removed[0]);
        if (!last) {
            await this.persis.removeByAssociations([Keys.room(old.roomId), Keys.openBucket(bucketOf(old.roomId))]);
        } else if (JSON.stringify(last) !== JSON.stringify(old)) {
            await this.update({ ...last, layout: TICKET_LAYOUT });
        }
    }

    /** Tickets under a key, those stored by 1.0 tagged so (see `LEGACY_LAYOUT`). */
    private async read(key: RocketChatAssociationRecord): Promise<Array<Ticket>> {
        return ((await this.reader.readByAssociation(key)) as Array<Ticket>).map(tagged);
    }

    /** The keys of an open (or closing) ticket, in the layout its record was stored with. */
    private keys(ticket: Ticket) {
        const common = [Keys.room(ticket.roomId), Keys.ticket(ticket.ticketId), Keys.visitor(ticket.visitor.token), Keys.openVisitor(ticket.visitor.token)];
        if (ticket.layout === LEGACY_LAYOUT) {
            return [...common, Keys.legacyOpenTickets()];
        }
        return [...common, Keys.openTickets(), Keys.openBucket(bucketOf(ticket.roomId))];
    }

    private closedKeys(ticket: Ticket, now: number) {
        return [Keys.room(ticket.roomId), Keys.ticket(ticket.ticketId), Keys.visitor(ticket.visitor.token), Keys.closedSlot(slotOf(now))];
    }
}

const tagged = (t: Ticket): Ticket => (t.layout ? t : { ...t, layout: LEGACY_LAYOUT });
/** A ticket, not one of the other records filed under its room (see `inRoom`). */
const isTicketRecord = (r: Ticket) => r.state !== undefined && r.visitor !== undefined;

export const isOpen = (ticket: Ticket) => ticket.state !== 'closed';
