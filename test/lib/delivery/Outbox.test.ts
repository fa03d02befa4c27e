/// <reference types="jest" />
import { Keys } from '../../../lib/core/Associations';
import { JobId } from '../../../lib/jobs/JobIds';
import { jobs } from '../../../lib/jobs/Jobs';
import { DeliveryTarget, Outbox, OutboxEntry } from '../../../lib/delivery/Outbox';
import { ORDER_WAIT_MS, RoomMessage } from '../../../lib/delivery/RoomOrder';
import { RETRY_WINDOW_MS } from '../../../lib/delivery/RetryPolicy';
import { Runtime } from '../../../lib/core/Runtime';
import { agentMessagePayload, closeRoomPayload, WebhookPayload } from '../../../lib/delivery/WebhookPayloads';
import { Clock, HOUR, MINUTE, SECOND } from '../../fakes/Clock';
import { SECRET } from '../../fakes/Requests';
import { World } from '../../fakes/World';

const URL = 'https://rapidpro.example.com/mr/tickets/types/rocketchat/event_callback/0b7e1c2a-0000-4000-8000-000000000001';
const agent = (ticketId: string, text: string) => agentMessagePayload(ticketId, '1234', text, []);
const closeRoom = (ticketId: string) => closeRoomPayload(ticketId, '1234');

describe('Outbox (PROTOCOL §3 delivery)', () => {
    let clock: Clock;
    let world: World;
    let target: DeliveryTarget;
    let outbox: Outbox;

    /** What the room read answers: the room's messages, newest first (a function: computed per read; an error: thrown). */
    let roomMessages: Array<RoomMessage> | Error | (() => Array<RoomMessage>);
    /** A new Outbox over the same world, as another request, job or instance would build it. */
    const anotherOutbox = () => new Outbox({
        reader: world.persistence, persis: world.persistence, scheduler: world.scheduler, http: world.httpFake,
        logger: world.logger.asLogger(), target: async () => target, now: clock.now,
        roomMessages: (roomId) => world.roomMessages(roomId) as Promise<Array<RoomMessage>>,
    });
    /** Queued events (the queue key may also hold bookkeeping records, such as the ticket's job marker). */
    const pending = () => world.persistence.peek<OutboxEntry>(Keys.anyPending()).filter((e) => e.payload !== undefined);
    const failed = () => world.persistence.peek<OutboxEntry>(Keys.anyFailed());
    const sent = () => world.httpFake.postedBodies.map((b) => (b.type === 'close-room' ? `close:${b.ticketId}` : `${b.ticketId}:${(b.data as { text: string }).text}`));
    const deliverJobs = () => world.scheduler.jobs(JobId.Deliver);
    /** Runs the delivery jobs due now with the processor the app registers, as Rocket.Chat's scheduler would (after a restart too). */
    const runDueJobs = async () => {
        const runtime = new Runtime('app', world.logger.asLogger(), clock.now);
        const deliver = jobs(runtime).filter((p) => p.id === JobId.Deliver)[0];
        for (const job of world.scheduler.takeDue(clock.now())) {
            await deliver.processor(job.data || {}, world.read, world.modify, world.http, world.persis);
        }
    };

    beforeEach(() => {
        clock = new Clock();
        world = new World(clock.now);
        target = { url: URL, secret: SECRET, timeoutMs: 15 * SECOND };
        roomMessages = [];
        world.roomMessages = async () => {
            if (roomMessages instanceof Error) {
                throw roomMessages;
            }
            return typeof roomMessages === 'function' ? roomMessages() : roomMessages;
        };
        outbox = anotherOutbox();
        // the same target as settings, for the jobs run through a Runtime
        world.settings.app_secret = SECRET;
        void world.persistence.updateByAssociation(Keys.webhookSettings(), { url: URL, updatedAt: 0 }, true);
    });

    describe('order across instances (RoomOrder)', () => {
        const origin = (id: string) => ({ roomId: 'R1', messageId: id, senderId: 'agent-1' });
        const inRoom = (id: string, at: number, more: Partial<RoomMessage> = {}): RoomMessage =>
            ({ id, sender: { _id: 'agent-1' }, createdAt: new Date(at), text: id, ...more });

        it("holds a reply back while the agent's earlier reply is in the room but not queued, and sends both in order once it is", async () => {
            const t0 = clock.now();
            // 'one' was saved first, but its event is handled on an instance running behind
            roomMessages = [inRoom('two', t0), inRoom('one', t0 - 100)];
            await outbox.enqueue(agent('T1', 'two'), t0, origin('two'));
            expect(sent()).toEqual([]);
            expect(deliverJobs().map((j) => j.when)).toEqual([t0 + SECOND]);
            await anotherOutbox().enqueue(agent('T1', 'one'), t0 - 100, origin('one'));
            clock.advance(SECOND);
            await runDueJobs();
            expect(sent()).toEqual(['T1:one', 'T1:two']);
            expect(pending()).toEqual([]);
        });

        it('sends at once when every earlier reply is queued or sent already, and counts only replies that raise an event', async () => {
            const t0 = clock.now();
            roomMessages = [inRoom('one', t0 - 300)];
            await outbox.enqueue(agent('T1', 'one'), t0 - 300, origin('one'));
            roomMessages = [
                inRoom('two', t0),
                inRoom('join', t0 - 50, { type: 'uj' }),
                inRoom('visitor', t0 - 40, { token: 'visitor-token', sender: { _id: 'agent-1' } }),
                inRoom('colleague', t0 - 30, { sender: { _id: 'agent-2' } }),
                inRoom('empty', t0 - 20, { text: '  ' }),
                inRoom('one', t0 - 300),
            ];
            await outbox.enqueue(agent('T1', 'two'), t0, origin('two'));
            expect(sent()).toEqual(['T1:one', 'T1:two']);
        });

        it(`waits for a missing earlier reply no longer than ORDER_WAIT_MS: its event is taken as lost`, async () => {
            const t0 = clock.now();
            roomMessages = [inRoom('two', t0), inRoom('one', t0 - 100)];
            await outbox.enqueue(agent('T1', 'two'), t0, origin('two'));
            clock.advance(ORDER_WAIT_MS - 200);
            await runDueJobs();
            expect(sent()).toEqual([]);
            clock.advance(SECOND);
            await runDueJobs();
            expect(sent()).toEqual(['T1:two']);
        });

        it('a room that cannot be read holds nothing up', async () => {
            roomMessages = new Error('getMessages is not implemented');
            await outbox.enqueue(agent('T1', 'one'), clock.now(), origin('one'));
            expect(sent()).toEqual(['T1:one']);
            expect(world.logger.has('debug', 'order check')).toBe(true);
        });

        it("reads the room only for a fresh agent message, and keeps the ticket's last sent time beside its queue until the close-room", async () => {
            const t0 = clock.now();
            let reads = 0;
            roomMessages = () => { reads++; return []; };
            await outbox.enqueue(agent('T1', 'old'), t0 - ORDER_WAIT_MS - 1, origin('old'));
            await outbox.enqueue(closeRoom('T2'), t0);
            expect(reads).toBe(0);
            await outbox.enqueue(agent('T1', 'fresh'), t0, origin('fresh'));
            expect(reads).toBe(1);
            expect(world.persistence.peek(Keys.sentMark('T1'))).toEqual([{ kind: 'sent-mark', ticketId: 'T1', upTo: t0 }]);
            // 'one' is older than the last sent reply: sent already, never waited for
            roomMessages = [inRoom('next', t0 + 10), inRoom('fresh', t0)];
            await outbox.enqueue(agent('T1', 'next'), t0 + 10, origin('next'));
            expect(sent()).toEqual(['T1:old', 'close:T2', 'T1:fresh', 'T1:next']);
            clock.advance(3 * SECOND);
            await outbox.enqueue(closeRoom('T1'), clock.now());
            expect(world.persistence.peek(Keys.sentMark('T1'))).toEqual([]);
        });
    });

    describe('delivery', () => {
        it('posts the event at once as JSON with the Token header and the request timeout, then forgets it', async () => {
            await outbox.enqueue(agent('T1', 'hello'), clock.now());
            expect(world.httpFake.posts).toHaveLength(1);
            const [post] = world.httpFake.posts;
            expect(post.url).toBe(URL);
            expect(post.options.headers).toEqual({ 'Content-Type': 'application/json', 'Authorization': `Token ${SECRET}` });
            expect(post.options.timeout).toBe(15 * SECOND);
            expect(post.body).toEqual({ type: 'agent-message', ticketId: 'T1', visitor: { token: '1234' }, data: { text: 'hello', attachments: [] } });
            expect(await outbox.pendingCount()).toBe(0);
            expect(deliverJobs()).toEqual([]);
        });

        it.each([200, 201, 202, 204])('counts HTTP %i as delivered', async (status) => {
            world.httpFake.replies(status);
            await outbox.enqueue(agent('T1', 'hello'), clock.now());
            expect(pending()).toEqual([]);
            expect(failed()).toEqual([]);
        });

        it('sends events of one ticket in the order they happened', async () => {
            world.httpFake.replies(503);
            await outbox.enqueue(agent('T1', 'one'), clock.now());
            await outbox.enqueue(agent('T1', 'two'), clock.now());
            await outbox.enqueue(closeRoom('T1'), clock.now());
            clock.advance(5 * SECOND);
            await outbox.drain('T1');
            expect(sent()).toEqual(['T1:one', 'T1:one', 'T1:two', 'close:T1']);
        });

        it('never lets a close-room overtake an agent-message waiting for its retry', async () => {
            world.httpFake.replies(503);
            await outbox.enqueue(agent('T1', 'last words'), clock.now());
            clock.advance(1 * SECOND);
            await outbox.enqueue(closeRoom('T1'), clock.now());
            expect(sent()).toEqual(['T1:last words']);
            expect(pending().map((e) => e.payload.type)).toEqual(expect.arrayContaining(['agent-message', 'close-room']));

            clock.advance(5 * SECOND);
            await outbox.drain('T1');
            expect(sent()).toEqual(['T1:last words', 'T1:last words', 'close:T1']);
        });

        it('puts an event that happened earlier before one already queued', async () => {
            world.httpFake.replies(503);
            await outbox.enqueue(closeRoom('T1'), clock.now());
            clock.advance(1 * SECOND);
            await outbox.enqueue(agent('T1', 'sent before the close'), clock.now() - 2 * SECOND);
            expect(sent()).toEqual(['close:T1', 'T1:sent before the close']);
            clock.advance(5 * SECOND);
            await outbox.drain('T1');
            expect(sent()).toEqual(['close:T1', 'T1:sent before the close', 'close:T1']);
        });

        it('keeps the order of events with the same timestamp, however many there are', async () => {
            const at = clock.now();
            for (let i = 0; i < 1001; i++) {
                await outbox.add(agent('T1', `m${i}`), at);
            }
            clock.advance(MINUTE);
            target = { ...target, timeoutMs: 1 };
            await outbox.drain('T1');
            const texts = sent().map((s) => s.slice(3));
            expect(texts.length).toBe(1001);
            expect(texts.filter((t, i) => t !== `m${i}`).slice(0, 3)).toEqual([]);
        });

        it('does not hold up other tickets while one ticket waits for a retry', async () => {
            world.httpFake.replies(503);
            await outbox.enqueue(agent('T1', 'stuck'), clock.now());
            await outbox.enqueue(agent('T2', 'free'), clock.now());
            expect(sent()).toEqual(['T1:stuck', 'T2:free']);
        });
    });

    describe('retries', () => {
        it.each<[string, number | Error]>([
            ['a network error', new Error('connect ECONNREFUSED 10.0.0.1:443')],
            ['a timeout', new Error('ETIMEDOUT')],
            ['HTTP 408', 408],
            ['HTTP 429', 429],
            ['HTTP 500', 500],
            ['HTTP 502', 502],
            ['HTTP 503', 503],
            ['HTTP 504', 504],
        ])('keeps the event after %s, retries it 5 s later and schedules a delivery job', async (label, reply) => {
            world.httpFake.replies(reply);
            const start = clock.now();
            await outbox.enqueue(agent('T1', 'hello'), start);
            const [entry] = pending();
            const retryAt = start + 5 * SECOND;
            expect(entry).toEqual(expect.objectContaining({ attempts: 1, nextAttemptAt: retryAt }));
            expect(entry.lastError).toBeDefined();
            expect(deliverJobs()).toEqual([{ id: JobId.Deliver, when: retryAt, data: {} }]);
            expect(world.logger.has('warn', 'T1')).toBe(true);
            expect(failed()).toEqual([]);
        });

        it('backs off 5 s, 10 s, 20 s, 40 s … between attempts', async () => {
            world.httpFake.replies(503, 503, 503, 503, 503);
            await outbox.enqueue(agent('T1', 'hello'), clock.now());
            const delays: Array<number> = [];
            for (let i = 0; i < 5; i++) {
                const [entry] = pending();
                delays.push(entry.nextAttemptAt - clock.now());
                clock.ms = entry.nextAttemptAt;
                await outbox.drain('T1');
            }
            expect(delays).toEqual([5, 10, 20, 40, 80].map((s) => s * SECOND));
            expect(pending()).toEqual([]);
            expect(world.httpFake.posts).toHaveLength(6);
        });

        it('does not send before the next attempt is due, and reschedules for that time', async () => {
            world.httpFake.replies(503);
            await outbox.enqueue(agent('T1', 'hello'), clock.now());
            const due = pending()[0].nextAttemptAt;
            clock.advance(2 * SECOND);
            await outbox.drain('T1');
            expect(world.httpFake.posts).toHaveLength(1);
            expect(deliverJobs().length).toBeGreaterThan(0);
            expect(deliverJobs().filter((j) => j.when !== due)).toEqual([]);
        });

        it('stores a new event behind a head that waits, without sending it', async () => {
            world.httpFake.replies(503);
            await outbox.enqueue(agent('T1', 'first'), clock.now());
            await outbox.enqueue(agent('T1', 'second'), clock.now());
            expect(sent()).toEqual(['T1:first']);
            expect(pending()).toHaveLength(2);
        });

        it('keeps an event when RapidPro has not registered its webhook URL yet, and sends it once it has', async () => {
            target = { ...target, url: undefined };
            await outbox.enqueue(agent('T1', 'early'), clock.now());
            expect(world.httpFake.posts).toHaveLength(0);
            expect(pending()[0].lastError).toContain('no webhook URL');
            expect(deliverJobs()).toHaveLength(1);

            target = { ...target, url: URL };
            clock.advance(5 * SECOND);
            await outbox.drain('T1');
            expect(sent()).toEqual(['T1:early']);
            expect(pending()).toEqual([]);
        });

        it('keeps an event while the App Secret is not set', async () => {
            target = { ...target, secret: '' };
            await outbox.enqueue(agent('T1', 'early'), clock.now());
            expect(world.httpFake.posts).toHaveLength(0);
            expect(pending()[0].lastError).toContain('App Secret');
        });

        it('gives up on an event still failing 24 hours after it was queued', async () => {
            world.httpFake.replies(503, 503, 503);
            const start = clock.now();
            await outbox.enqueue(agent('T1', 'hello'), start);
            clock.ms = start + RETRY_WINDOW_MS - MINUTE;
            await outbox.drain('T1');
            expect(pending()).toHaveLength(1);
            clock.ms = start + RETRY_WINDOW_MS;
            await outbox.drain('T1');
            expect(pending()).toEqual([]);
            expect(failed()).toEqual([expect.objectContaining({ ticketId: 'T1', lastError: 'RapidPro answered HTTP 503', failedAt: clock.now() })]);
            expect(world.logger.has('error', 'gave up delivering agent-message for ticket T1')).toBe(true);
        });

        it('stops draining after its time budget and hands the rest to a job', async () => {
            world.httpFake.onRequest = () => clock.advance(15 * SECOND);
            target = { ...target, timeoutMs: 1 }; // so queued events do not look in flight
            for (const text of ['a', 'b', 'c']) {
                await outbox.add(agent('T1', text), clock.now());
            }
            clock.advance(3 * SECOND);
            await outbox.drain('T1');
            expect(sent()).toEqual(['T1:a', 'T1:b']);
            expect(deliverJobs()).toEqual([{ id: JobId.Deliver, when: clock.now(), data: {} }]);
            expect(pending().map((e) => (e.payload as ReturnType<typeof agent>).data.text)).toEqual(['c']);
        });
    });

    describe('permanent failures', () => {
        it.each([400, 401, 403, 404, 410, 422])('gives up at once on HTTP %i, logs the reason and keeps the event as failed', async (status) => {
            world.httpFake.replies(status);
            await outbox.enqueue(agent('T1', 'hello'), clock.now());
            expect(pending()).toEqual([]);
            expect(failed()).toEqual([
                expect.objectContaining({ ticketId: 'T1', attempts: 1, lastError: `RapidPro answered HTTP ${status}`, failedAt: clock.now() }),
            ]);
            expect(world.logger.has('error', `RapidPro answered HTTP ${status}`)).toBe(true);
            expect(deliverJobs()).toEqual([]);
            expect(await outbox.failed()).toHaveLength(1);
        });

        it("still sends the ticket's later events after giving up on one", async () => {
            world.httpFake.replies(404);
            await outbox.enqueue(agent('T1', 'lost'), clock.now());
            await outbox.enqueue(closeRoom('T1'), clock.now());
            expect(sent()).toEqual(['T1:lost', 'close:T1']);
            expect(pending()).toEqual([]);
        });

        it('retryFailed puts every failed event back with a fresh window and schedules its delivery', async () => {
            world.httpFake.replies(404, 400);
            await outbox.enqueue(agent('T1', 'one'), clock.now());
            await outbox.enqueue(agent('T2', 'two'), clock.now());
            expect(failed()).toHaveLength(2);

            clock.advance(HOUR);
            expect(await outbox.retryFailed()).toBe(2);
            expect(failed()).toEqual([]);
            expect(pending().map((e) => [e.attempts, e.createdAt])).toEqual([[0, clock.now()], [0, clock.now()]]);
            expect(deliverJobs()).toEqual([{ id: JobId.Deliver, when: clock.now(), data: {} }]);

            await runDueJobs();
            expect(sent().slice(2)).toEqual(['T1:one', 'T2:two']);
            expect(pending()).toEqual([]);
        });

        it('retryFailed with nothing failed does nothing', async () => {
            expect(await outbox.retryFailed()).toBe(0);
            expect(deliverJobs()).toEqual([]);
        });
    });

    describe('concurrent senders', () => {
        it('a second enqueuer leaves the first event to its creator and its own to the job, which sends it a second later', async () => {
            const held = world.httpFake.hold();
            const first = outbox.enqueue(agent('T1', 'one'), clock.now());
            await held.called;

            await anotherOutbox().enqueue(agent('T1', 'two'), clock.now());
            expect(sent()).toEqual(['T1:one']);
            expect(deliverJobs()).toHaveLength(1);

            held.release(200);
            await first;
            expect(sent()).toEqual(['T1:one']);
            // The job looks again a second later; 'one' is gone by then and 'two' was marked deferred.
            const job = deliverJobs().slice(-1)[0];
            expect(job.when).toBe(clock.now() + SECOND);
            clock.advance(SECOND);
            await runDueJobs();
            expect(sent()).toEqual(['T1:one', 'T1:two']);
            expect(pending()).toEqual([]);
        });

        it('a delivery job leaves an event alone while its creator may still be sending it', async () => {
            const held = world.httpFake.hold();
            const first = outbox.enqueue(agent('T1', 'one'), clock.now());
            await held.called;
            const start = clock.now();
            clock.advance(5 * SECOND);
            await anotherOutbox().drain('T1');
            expect(world.httpFake.posts).toHaveLength(1);
            // looked at again later, at the latest when the creator's request must have timed out
            const [job] = deliverJobs();
            expect(job.when).toBeGreaterThan(clock.now());
            expect(job.when).toBeLessThanOrEqual(start + 15 * SECOND + 2 * SECOND);
            held.release(200);
            await first;
            expect(world.httpFake.posts).toHaveLength(1);
            clock.ms = job.when;
            await anotherOutbox().drain('T1');
            expect(world.httpFake.posts).toHaveLength(1);
        });

        it('a job sends an event whose creator stopped before sending it, once the in-flight time has passed', async () => {
            const start = clock.now();
            await outbox.add(agent('T1', 'orphan'), start);
            clock.ms = start + 16 * SECOND;
            await outbox.drain('T1');
            expect(world.httpFake.posts).toHaveLength(0);
            clock.ms = start + 17 * SECOND;
            await outbox.drain('T1');
            expect(sent()).toEqual(['T1:orphan']);
        });
    });

    describe('drainAll and restarts', () => {
        it('drainAll sends every ticket with a due event and leaves those waiting for back-off', async () => {
            await outbox.add(agent('T1', 'due'), clock.now());
            clock.advance(20 * SECOND);
            world.httpFake.replies(503);
            await outbox.enqueue(agent('T2', 'backing off'), clock.now());
            await outbox.drainAll();
            expect(sent()).toEqual(['T2:backing off', 'T1:due']);
            expect(pending().map((e) => e.ticketId)).toEqual(['T2']);
        });

        it("after a restart, the scheduler's jobs and the sweep deliver what was queued, in order", async () => {
            world.httpFake.replies(new Error('ECONNRESET'));
            await outbox.enqueue(agent('T1', 'one'), clock.now());
            await outbox.enqueue(closeRoom('T1'), clock.now());
            await outbox.add(agent('T2', 'never tried'), clock.now()); // its creator died before sending

            clock.advance(MINUTE);
            await runDueJobs(); // a fresh Runtime and Outbox, over the same persisted world
            await new Runtime('app', world.logger.asLogger(), clock.now).outbox(world.read, world.modify, world.http, world.persis).drainAll();
            // in order per ticket (a pass serves tickets side by side)
            expect(sent().filter((x) => x.includes('T1'))).toEqual(['T1:one', 'T1:one', 'close:T1']);
            expect(sent().filter((x) => x.includes('T2'))).toEqual(['T2:never tried']);
            expect(await outbox.pendingCount()).toBe(0);
        });

        it('the sweep delivers a queue whose scheduled job was lost, once that job is overdue', async () => {
            world.httpFake.replies(503);
            await outbox.enqueue(agent('T1', 'one'), clock.now());
            world.scheduler.once.length = 0; // lost with its instance
            clock.advance(3 * MINUTE);
            await anotherOutbox().drainAll();
            expect(sent()).toEqual(['T1:one', 'T1:one']);
            expect(pending()).toEqual([]);
        });

        it("an event added while the ticket's job is sending is left to that job: no second chain, each event sent once", async () => {
            world.httpFake.replies(503);
            await outbox.enqueue(agent('T1', 'one'), clock.now());
            clock.advance(5 * SECOND);
            world.scheduler.takeDue(clock.now());
            const held = world.httpFake.hold();
            const running = anotherOutbox().drainAll();
            await held.called; // the pass is sending 'one' again

            await outbox.enqueue(agent('T1', 'two'), clock.now());
            await outbox.enqueue(agent('T1', 'three'), clock.now());
            // the pass took its marker off as it began: the first creator asks for one job, the second counts on it
            expect(deliverJobs()).toHaveLength(1);

            held.release(200);
            await running;
            await runDueJobs();
            expect(sent()).toEqual(['T1:one', 'T1:one', 'T1:two', 'T1:three']);
            expect(pending()).toEqual([]);
        });

        it('a pass leaves everything to another pass that holds the lease, and takes over once that lease has run out', async () => {
            world.httpFake.replies(503);
            await outbox.enqueue(agent('T1', 'one'), clock.now());
            clock.advance(5 * SECOND);
            const held = world.httpFake.hold();
            const first = anotherOutbox().drainAll();
            await held.called; // e.g. its job was cut by the runtime's timeout, and the pass goes on
            await anotherOutbox().drainAll();
            await runDueJobs();
            expect(world.httpFake.posts).toHaveLength(2);
            // another look was asked for, as the running pass may not come back to what became due meanwhile;
            // one is enough: the second pass to back off found the first one's marker
            expect(deliverJobs().map((j) => j.when)).toEqual([clock.now() + 5 * SECOND]);
            held.release(200);
            await first;
            expect(sent()).toEqual(['T1:one', 'T1:one']);
            expect(world.persistence.peek(Keys.passLeases())).toEqual([]);

            // A lease left by a pass whose instance died keeps others out until it runs out, no longer.
            await world.persistence.createWithAssociations({ kind: 'pass-lease', token: 'dead', until: clock.now() + 30 * SECOND },
                [Keys.passLease('dead'), Keys.passLeases()]);
            await outbox.add(agent('T1', 'two'), clock.now(), 1);
            clock.advance(SECOND);
            await outbox.drainAll();
            expect(sent()).toEqual(['T1:one', 'T1:one']);
            clock.advance(30 * SECOND);
            await outbox.drainAll();
            expect(sent()).toEqual(['T1:one', 'T1:one', 'T1:two']);
            expect(world.persistence.peek(Keys.passLeases())).toEqual([]);
        });

        it('a delivery job that waited its turn long past its time is still no reason to send twice', async () => {
            world.httpFake.replies(503);
            await outbox.enqueue(agent('T1', 'one'), clock.now());
            await outbox.enqueue(agent('T1', 'two'), clock.now());
            clock.advance(10 * MINUTE); // its job waited behind slow runs
            const held = world.httpFake.hold();
            const running = anotherOutbox().drainAll();
            await held.called;
            // meanwhile the sweep and a new event look at the ticket, whose marker is long overdue
            await anotherOutbox().drainAll();
            await outbox.enqueue(agent('T1', 'three'), clock.now());
            await runDueJobs();
            held.release(200);
            await running;
            await runDueJobs();
            expect(sent()).toEqual(['T1:one', 'T1:one', 'T1:two', 'T1:three']);
            expect(pending()).toEqual([]);
        });

        it('one pass serves every due ticket, several at once, each in order, and a slow ticket does not hold up the others', async () => {
            world.httpFake.replies(...Array.from({ length: 20 }, () => 503));
            for (let t = 0; t < 20; t++) {
                await outbox.enqueue(agent(`T${t}`, 'a'), clock.now());
                await outbox.enqueue(agent(`T${t}`, 'b'), clock.now());
            }
            clock.advance(5 * SECOND);
            const slow = world.httpFake.hold(); // the first ticket's request hangs
            const pass = anotherOutbox().drainAll();
            await slow.called;
            await new Promise((r) => setTimeout(r, 50));
            const whileSlow = sent().length;
            slow.release(200);
            await pass;
            expect(whileSlow).toBeGreaterThan(20 + 1 + 2 * 19 - 1);
            for (let t = 0; t < 20; t++) {
                expect(sent().filter((x) => x.startsWith(`T${t}:`))).toEqual([`T${t}:a`, `T${t}:a`, `T${t}:b`]);
            }
            expect(pending()).toEqual([]);
        });

        it('a backlog over many tickets asks the scheduler for one job, not one per ticket, and the pass after it asks for one more', async () => {
            world.httpFake.replies(...Array.from({ length: 200 }, () => 503));
            for (let t = 0; t < 200; t++) {
                await outbox.enqueue(agent(`T${t}`, 'a'), clock.now());
                await outbox.enqueue(agent(`T${t}`, 'b'), clock.now());
            }
            expect(deliverJobs()).toEqual([{ id: JobId.Deliver, when: clock.now() + 5 * SECOND, data: {} }]);
            clock.advance(5 * SECOND);
            world.httpFake.replies(...Array.from({ length: 200 }, () => 503));
            await runDueJobs();
            // every ticket failed again and backs off 10 s: one job for the moment the first comes due
            expect(deliverJobs()).toEqual([{ id: JobId.Deliver, when: clock.now() + 10 * SECOND, data: {} }]);
            expect(world.persistence.peek(Keys.passMarkers())).toHaveLength(1);
            clock.advance(10 * SECOND);
            await runDueJobs();
            expect(sent()).toHaveLength(4 * 200);
            expect(pending()).toEqual([]);
            expect(deliverJobs()).toEqual([]);
            expect(world.persistence.peek(Keys.passMarkers())).toEqual([]);
        });

        it('a pass removes the per-ticket job markers earlier builds stored in the queue', async () => {
            await world.persistence.createWithAssociations({ kind: 'drain-job', ticketId: 'T1', at: clock.now(), token: 'old' },
                [Keys.legacyDrainJob('T1'), Keys.pendingFor('T1'), Keys.anyPending()]);
            await outbox.drainAll();
            expect(world.persistence.peek(Keys.anyPending())).toEqual([]);
            expect(world.httpFake.posts).toHaveLength(0);
        });

        it('several overdue jobs of one ticket firing together send each event once', async () => {
            world.httpFake.replies(503, 503);
            await outbox.enqueue(agent('T1', 'one'), clock.now());
            clock.advance(5 * SECOND);
            await outbox.drain('T1');
            await outbox.enqueue(agent('T1', 'two'), clock.now());
            clock.advance(HOUR); // e.g. Rocket.Chat was down; every job is overdue now
            await runDueJobs();
            expect(sent()).toEqual(['T1:one', 'T1:one', 'T1:one', 'T1:two']);
        });
    });

    it('stores every queued event under the pending, per-ticket and entry keys', async () => {
        const id = await outbox.add(agent('T1', 'x'), clock.now());
        // The event's own key first: an update is looked up by the list's first key, so it never reads the whole backlog.
        expect(world.persistence.keysOf(Keys.entry(id))).toEqual([[`misc:tickets:outbox:entry:${id}`, 'misc:tickets:outbox:ticket:T1', 'misc:tickets:outbox:pending']]);
        const payload: WebhookPayload = pending()[0].payload;
        expect(payload).toEqual(agent('T1', 'x'));
    });
});
