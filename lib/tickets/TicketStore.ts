import { IPersistence, IPersistenceRead } from '@rocket.chat/apps-engine/definition/accessors';
import { Keys } from '../core/Associations';

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
}

/**
 * Tickets in app persistence. One record per room, found by ticket id, visitor
 * token or room id. A closed ticket is kept (under another kind marker) for a
 * grace period so late agent messages still find their ticket and /room.close
 * stays idempotent; the sweep job removes it afterwards.
 */
export class TicketStore {
    constructor(private readonly reader: IPersistenceRead, private readonly persis: IPersistence) {}

    public async byTicket(ticketId: string): Promise<Array<Ticket>> {
        return (await this.reader.readByAssociation(Keys.ticket(ticketId))) as Array<Ticket>;
    }

    /** Every ticket of the visitor still remembered, closed ones included. */
    public async byVisitor(token: string): Promise<Array<Ticket>> {
        return (await this.reader.readByAssociation(Keys.visitor(token))) as Array<Ticket>;
    }

    /**
     * The visitor's open (or closing) tickets only: the busy paths read this, so a
     * contact with many recently closed tickets costs no more than one with none.
     */
    public async openByVisitor(token: string): Promise<Array<Ticket>> {
        return (await this.reader.readByAssociation(Keys.openVisitor(token))) as Array<Ticket>;
    }

    public async byRoom(roomId: string): Promise<Ticket | undefined> {
        const found = (await this.reader.readByAssociation(Keys.room(roomId))) as Array<Ticket>;
        return found[0];
    }

    public async openTickets(): Promise<Array<Ticket>> {
        return (await this.reader.readByAssociation(Keys.openTickets())) as Array<Ticket>;
    }

    public async closedTickets(): Promise<Array<Ticket>> {
        return (await this.reader.readByAssociation(Keys.closedTickets())) as Array<Ticket>;
    }

    public async create(ticket: Ticket): Promise<void> {
        await this.persis.createWithAssociations(ticket, this.keys(ticket));
    }

    /** Rewrites the record in place (same room, same kind). Rocket.Chat updates only the record whose associations equal the given list. */
    public async update(ticket: Ticket): Promise<void> {
        await this.persis.updateByAssociations(this.keys(ticket), ticket);
    }

    /**
     * Moves the ticket to the closed kind. Associations cannot change in place, so the closed record
     * is created first and then the open one removed (by its kind, which leaves the new one alone):
     * an agent's message sent just before the close is handled just after it, and must find the
     * room's ticket at every moment in between.
     */
    public async markClosed(ticket: Ticket, closedAt: number): Promise<Ticket> {
        const closed: Ticket = { ...ticket, state: 'closed', closedAt };
        await this.persis.createWithAssociations(closed, this.keys(closed));
        await this.persis.removeByAssociations([Keys.room(ticket.roomId), Keys.openTickets()]);
        return closed;
    }

    public async remove(ticket: Ticket): Promise<void> {
        await this.persis.removeByAssociation(Keys.room(ticket.roomId));
    }

    private keys(ticket: Ticket) {
        const keys = [Keys.room(ticket.roomId), Keys.ticket(ticket.ticketId), Keys.visitor(ticket.visitor.token)];
        return ticket.state === 'closed' ? [...keys, Keys.closedTickets()] : [...keys, Keys.openVisitor(ticket.visitor.token), Keys.openTickets()];
    }
}

export const isOpen = (ticket: Ticket) => ticket.state !== 'closed';
