/// <reference types="jest" />
import { RECONCILE_BATCH, RECONCILE_MIN_AGE_MS, reconcileClosedRooms } from '../../../lib/tickets/Reconcile';
import { TicketStore } from '../../../lib/tickets/TicketStore';
import { MINUTE } from '../../fakes/Clock';
import { Harness } from '../../fakes/Harness';

const reconcile = (h: Harness) => reconcileClosedRooms(h.runtime, h.world.accessors(), () => 0);
const webhookTypes = (h: Harness) => h.world.httpFake.postedBodies.map((b) => `${b.type}:${b.ticketId}`);

describe('reconciling rooms closed without a close event', () => {
    it('sends close-room for an open ticket whose room Rocket.Chat closed while the app did not hear of it', async () => {
        const h = new Harness();
        const roomId = await h.openRoom('T1', '1234');
        h.world.rc.closeBySomeoneElse(roomId); // the close event never reached the app
        h.clock.advance(RECONCILE_MIN_AGE_MS + MINUTE);
        expect(await reconcile(h)).toBe(1);
        expect(h.ticket('T1')[0].state).toBe('closed');
        while (await h.runNextJob()) { /* run the scheduler until nothing is left */ }
        expect(webhookTypes(h)).toEqual(['close-room:T1']);
        expect(h.world.logger.has('warn', 'closed without the app hearing of it')).toBe(true);
    });

    it('leaves open rooms and young tickets alone', async () => {
        const h = new Harness();
        await h.openRoom('T1', '1234');
        h.clock.advance(RECONCILE_MIN_AGE_MS + MINUTE);
        const young = await h.openRoom('T2', '5678');
        h.world.rc.closeBySomeoneElse(young); // its close event may still be on its way
        expect(await reconcile(h)).toBe(0);
        expect(h.tickets().map((t) => t.state)).toEqual(['open', 'open']);
        expect(h.world.httpFake.posts).toHaveLength(0);
    });

    it('marks a ticket stuck closing (a /room.close cut short) closed, without a close-room', async () => {
        const h = new Harness();
        const roomId = await h.openRoom('T1', '1234');
        const [ticket] = h.ticket('T1');
        await new TicketStore(h.world.persistence, h.world.persistence).update({ ...ticket, state: 'closing' });
        h.world.rc.closeBySomeoneElse(roomId);
        h.clock.advance(RECONCILE_MIN_AGE_MS + MINUTE);
        expect(await reconcile(h)).toBe(1);
        expect(h.ticket('T1')[0].state).toBe('closed');
        while (await h.runNextJob()) { /* run the scheduler until nothing is left */ }
        expect(h.world.httpFake.posts).toHaveLength(0);
    });

    it(`checks at most ${RECONCILE_BATCH} rooms a run`, async () => {
        const h = new Harness();
        for (let i = 0; i < RECONCILE_BATCH + 5; i++) {
            await h.openRoom(`T${i}`, `${1000 + i}`);
        }
        h.clock.advance(RECONCILE_MIN_AGE_MS + MINUTE);
        h.world.calls.reset();
        await reconcile(h);
        expect(h.world.calls.of('rooms.getById')).toBe(RECONCILE_BATCH);
    });
});
