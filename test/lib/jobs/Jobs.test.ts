/// <reference types="jest" />
import { StartupType } from '@rocket.chat/apps-engine/definition/scheduler';
import { JobId, SWEEP_INTERVAL } from '../../../lib/jobs/JobIds';
import { jobs } from '../../../lib/jobs/Jobs';
import { CLOSED_GRACE_MS } from '../../../lib/tickets/Sweep';
import { MINUTE, SECOND } from '../../fakes/Clock';
import { Harness } from '../../fakes/Harness';

async function run(h: Harness, id: string, context: object = {}) {
    const processor = jobs(h.runtime).filter((p) => p.id === id)[0];
    const w = h.world;
    await processor.processor(context, w.read, w.modify, w.http, w.persis);
}

describe('scheduler jobs', () => {
    it('registers delivery and a sweep every minute that also runs at startup', () => {
        const h = new Harness();
        const registered = jobs(h.runtime);
        expect(registered.map((p) => p.id)).toEqual(expect.arrayContaining([JobId.Deliver, JobId.Sweep]));
        const sweep = registered.filter((p) => p.id === JobId.Sweep)[0];
        expect(sweep.startupSetting).toEqual({ type: StartupType.RECURRING, interval: SWEEP_INTERVAL, skipImmediate: false });
        expect(SWEEP_INTERVAL).toBe('60 seconds');
    });

    describe('delivery', () => {
        it('delivers every ticket with a due event, whatever ticket its data names', async () => {
            const h = new Harness();
            const one = await h.openRoom('T1', '1234');
            const two = await h.openRoom('T2', '5678');
            h.world.httpFake.replies(503, 503);
            await h.agentSays(one, 'hello');
            await h.agentSays(two, 'hi');
            h.clock.advance(5 * SECOND);
            await run(h, JobId.Deliver, { ticketId: 'T1' });
            expect(h.world.httpFake.posts).toHaveLength(4);
            await run(h, JobId.Deliver, {});
            expect(h.world.httpFake.posts).toHaveLength(4);
        });
    });

    describe('sweep', () => {
        it('removes closed tickets past the 10 minute grace period (within the minute after), keeping recent and open ones', async () => {
            expect(CLOSED_GRACE_MS).toBe(10 * MINUTE);
            const h = new Harness();
            await run(h, JobId.Sweep); // at startup, as Rocket.Chat runs it
            await h.openRoom('T-old', '1');
            await h.call('roomClose', 'get', { visitor: { token: '1' } });
            h.clock.advance(5 * MINUTE);
            await h.openRoom('T-recent', '2');
            await h.call('roomClose', 'get', { visitor: { token: '2' } });
            await h.openRoom('T-open', '3');

            h.clock.advance(5 * MINUTE - 1);
            await run(h, JobId.Sweep);
            expect(h.tickets().map((t) => t.ticketId).sort()).toEqual(['T-old', 'T-open', 'T-recent']);
            h.clock.advance(MINUTE + 1);
            await run(h, JobId.Sweep);
            expect(h.tickets().map((t) => t.ticketId).sort()).toEqual(['T-open', 'T-recent']);
        });

        it('delivers events whose delivery job was lost', async () => {
            const h = new Harness();
            const roomId = await h.openRoom('T1', '1234');
            h.world.httpFake.replies(503);
            await h.agentSays(roomId, 'hello');
            h.world.scheduler.once.length = 0; // the job is lost
            h.clock.advance(3 * MINUTE);
            await run(h, JobId.Sweep);
            expect(h.world.httpFake.posts).toHaveLength(2);
        });
    });
});
