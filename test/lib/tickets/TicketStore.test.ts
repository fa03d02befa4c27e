/// <reference types="jest" />
import { Keys } from '../../../lib/core/Associations';
import { isOpen, Ticket, TicketStore } from '../../../lib/tickets/TicketStore';
import { FakePersistence } from '../../fakes/FakePersistence';

const ticket = (ticketId: string, roomId: string, token: string, extra: Partial<Ticket> = {}): Ticket => ({
    ticketId, roomId, visitor: { id: `v-${token}`, token, username: `guest-${token}`, name: 'Ana' }, openedAt: 1000, state: 'open', ...extra,
});

describe('TicketStore', () => {
    let persistence: FakePersistence;
    let store: TicketStore;

    beforeEach(() => {
        persistence = new FakePersistence();
        store = new TicketStore(persistence, persistence);
    });

    it('finds a ticket by ticket id, visitor token and room id', async () => {
        await store.create(ticket('T1', 'R1', '1234'));
        await store.create(ticket('T2', 'R2', '5678'));
        expect((await store.byTicket('T1')).map((t) => t.roomId)).toEqual(['R1']);
        expect((await store.byVisitor('5678')).map((t) => t.ticketId)).toEqual(['T2']);
        expect((await store.byRoom('R2'))!.ticketId).toBe('T2');
        expect(await store.byRoom('R9')).toBeUndefined();
    });

    it('keeps open and closed tickets under different kind markers', async () => {
        const t1 = ticket('T1', 'R1', '1234');
        await store.create(t1);
        await store.create(ticket('T2', 'R2', '5678'));
        await store.markClosed(t1, 5000);
        expect((await store.openTickets()).map((t) => t.ticketId)).toEqual(['T2']);
        expect(await store.closedTickets()).toEqual([expect.objectContaining({ ticketId: 'T1', state: 'closed', closedAt: 5000 })]);
        expect(persistence.size).toBe(2);
    });

    it('still finds a closed ticket by room, ticket and visitor', async () => {
        const t1 = ticket('T1', 'R1', '1234');
        await store.create(t1);
        await store.markClosed(t1, 5000);
        expect((await store.byRoom('R1'))!.state).toBe('closed');
        expect(await store.byTicket('T1')).toHaveLength(1);
        expect(await store.byVisitor('1234')).toHaveLength(1);
    });

    it('finds the room\'s ticket at every step of closing it (a late agent message looks it up meanwhile)', async () => {
        const t1 = ticket('T1', 'R1', '1234');
        await store.create(t1);
        const seen: Array<string | undefined> = [];
        const look = async () => {
            const found = await store.byRoom('R1');
            seen.push(found && found.ticketId);
        };
        const create = persistence.createWithAssociations.bind(persistence);
        const remove = persistence.removeByAssociations.bind(persistence);
        persistence.createWithAssociations = async (data, associations) => {
            await look();
            return create(data, associations);
        };
        persistence.removeByAssociations = async (associations) => {
            await look();
            const removed = await remove(associations);
            await look();
            return removed;
        };
        await store.markClosed(t1, 5000);
        expect(seen).toEqual(['T1', 'T1', 'T1']);
        expect(await store.byRoom('R1')).toEqual(expect.objectContaining({ state: 'closed', closedAt: 5000 }));
        expect(persistence.size).toBe(1);
    });

    it('update rewrites the stored record in place', async () => {
        const t1 = ticket('T1', 'R1', '1234');
        await store.create(t1);
        await store.update({ ...t1, state: 'closing' });
        expect((await store.byRoom('R1'))!.state).toBe('closing');
        expect((await store.openTickets()).map((t) => t.state)).toEqual(['closing']);
        expect(persistence.size).toBe(1);
        expect(persistence.unmatchedUpdates).toEqual([]);
    });

    it('remove forgets the ticket under every key', async () => {
        const t1 = ticket('T1', 'R1', '1234');
        await store.create(t1);
        await store.remove(t1);
        expect(persistence.size).toBe(0);
        expect(await store.byTicket('T1')).toEqual([]);
        expect(await store.byVisitor('1234')).toEqual([]);
    });

    it('stores every ticket under its room, ticket, visitor and kind keys, and an open one under its open-visitor key', async () => {
        await store.create(ticket('T1', 'R1', '1234'));
        expect(persistence.keysOf(Keys.room('R1'))).toEqual([[
            'room:R1', 'misc:tickets:ticket:T1', 'misc:tickets:visitor:1234', 'misc:tickets:open-visitor:1234', 'misc:tickets:kind:open',
        ]]);
        await store.markClosed(ticket('T1', 'R1', '1234'), 5);
        expect(persistence.keysOf(Keys.room('R1'))).toEqual([[
            'room:R1', 'misc:tickets:ticket:T1', 'misc:tickets:visitor:1234', 'misc:tickets:kind:closed',
        ]]);
    });

    it("reads a visitor's open tickets without its closed ones", async () => {
        await store.create(ticket('T1', 'R1', '1234'));
        await store.markClosed(ticket('T1', 'R1', '1234'), 5);
        await store.create(ticket('T2', 'R2', '1234'));
        expect((await store.openByVisitor('1234')).map((t) => t.ticketId)).toEqual(['T2']);
        expect((await store.byVisitor('1234')).map((t) => t.ticketId).sort()).toEqual(['T1', 'T2']);
    });

    it('counts a closing ticket as open (its room is not closed yet) and a closed one as not', () => {
        expect(isOpen(ticket('T', 'R', '1'))).toBe(true);
        expect(isOpen(ticket('T', 'R', '1', { state: 'closing' }))).toBe(true);
        expect(isOpen(ticket('T', 'R', '1', { state: 'closed' }))).toBe(false);
    });
});
