import { IHttp, ILogger, IPersistence, IPersistenceRead, ISchedulerModify } from '@rocket.chat/apps-engine/definition/accessors';
import { Keys } from '../core/Associations';
import { JobId } from '../jobs/JobIds';
import { Outcome, outcomeOfStatus, retryDelayMs, windowExpired } from './RetryPolicy';
import { withOriginsOnly } from '../core/Url';
import { WebhookPayload } from './WebhookPayloads';

/** One webhook event waiting in its ticket's queue. */
export interface OutboxEntry {
    id: string;
    ticketId: string;
    /** Order within the ticket: the time of the event in Rocket.Chat, then the order it was added in. */
    eventTime: number;
    seq: number;
    payload: WebhookPayload;
    createdAt: number;
    attempts: number;
    nextAttemptAt: number;
    /** Set when its creator found another event ahead and left the sending to whoever drains. */
    deferred?: boolean;
    lastError?: string;
    failedAt?: number;
}

export interface DeliveryTarget {
    url?: string;
    secret: string;
    timeoutMs: number;
}

export interface OutboxDeps {
    reader: IPersistenceRead;
    persis: IPersistence;
    scheduler: ISchedulerModify;
    http: IHttp;
    logger: ILogger;
    target: () => Promise<DeliveryTarget>;
    now: () => number;
    sleep: (ms: number) => Promise<void>;
}

/** Slack on top of the request timeout before an in-flight event is assumed abandoned by its sender. */
const IN_FLIGHT_MARGIN_MS = 2000;
/**
 * The marker of a scheduled delivery job for one ticket, stored under the
 * ticket's queue key. It only spares scheduling a second job for the same
 * moment: it guards no event (the pass lease does), so a marker wrongly taken
 * for lost costs one extra job run, never a duplicate.
 */
export interface DrainJob {
    kind: typeof DRAIN_JOB;
    ticketId: string;
    at: number;
    token: string;
}

/**
 * How long after its time in Rocket.Chat an event waits before it is sent.
 * In a cluster each instance fires the events of the actions it ran, so an
 * agent's two quick replies through two instances are handled by two app
 * runtimes at once, and the later one may reach the queue first (seen: one
 * runtime ~100 ms behind the other). An event is sent only once this has
 * passed since its time, so an earlier event stored within it still goes
 * first. It narrows the window, it does not close it: under heavy load a
 * runtime was seen more than this behind (docs/cluster.md). It adds this much
 * to an agent reply's way to RapidPro.
 */
export const ORDER_SETTLE_MS = 250;

/** When an event may be sent (a time ahead of this clock counts from when it was stored). */
const settledAt = (entry: OutboxEntry) => Math.min(entry.eventTime, entry.createdAt) + ORDER_SETTLE_MS;

/** Held by the one delivery pass running at a time (any job, any instance). */
export interface PassLease {
    kind: typeof PASS_LEASE;
    token: string;
    /** When the pass must be over: it starts no send that could end later. */
    until: number;
}

const DRAIN_JOB = 'drain-job';
const PASS_LEASE = 'pass-lease';

/**
 * A queued event's keys. Rocket.Chat updates only a record whose key list is
 * exactly the one given (Mongo array equality), so every write uses this list.
 * The event's own key comes first: an array match is looked up by its first
 * element (Mongo's multikey index, and the host's), and with the shared
 * `anyPending` first each update would read the whole backlog.
 */
const pendingKeys = (entry: OutboxEntry) => [Keys.entry(entry.id), Keys.pendingFor(entry.ticketId), Keys.anyPending()];
const isDrainJob = (record: OutboxEntry | DrainJob): record is DrainJob => (record as DrainJob).kind === DRAIN_JOB;

/**
 * A marker this much past its time is not trusted to stand for a coming job:
 * its job may have been dropped (Rocket.Chat removes a one-time job that comes
 * due while the app is disabled; a run cut by the runtime's timeout is marked
 * failed and never runs again). It may also just be waiting its turn behind
 * slow runs; then the new job scheduled beside it is one more pass, harmless.
 */
const MARKER_TRUSTED_MS = 60 * 1000;
/** How soon a queue whose head another sender may hold is looked at again. */
const RECHECK_MS = 1000;
/**
 * A pass starts no send that could end past this long after it began, so it is
 * over before the runtime's call timeout (30 s) cuts its job; a request timeout
 * longer than this still gets one send per ticket per pass.
 */
export const PASS_LIMIT_MS = 25000;
/** How soon a pass that found another one running looks again. */
const LEASE_RECHECK_MS = 5000;
/** Tickets a pass sends to at once: one slow RapidPro answer holds up one ticket, not the pass. */
export const PASS_PARALLEL = 8;

/** Last sequence number given out here: events of the same time keep the order they were added in. */
let lastSeq = 0;

/**
 * The per-ticket webhook queue (PROTOCOL §3). Events are stored first, then
 * sent head first, so a close-room never overtakes its ticket's agent messages
 * and nothing is lost across restarts.
 *
 * Two kinds of sender, never both on one event:
 * - the creator of an event sends it at once when it is the head of its queue
 *   (the common case: no wait for the scheduler), and nothing else;
 * - otherwise a delivery pass sends it: one pass at a time over every ticket
 *   with a due event (PassLease), several tickets at once, each in order. Any
 *   delivery job runs a pass, and so does the sweep. Rocket.Chat's scheduler
 *   runs delivery jobs one at a time per instance (Agenda, concurrency 1), so
 *   one job per ticket would queue every ticket behind one slow RapidPro
 *   answer; a pass instead serves every due ticket in one run, and the jobs
 *   queued behind it find little left. A pass leaves a fresh head alone until
 *   its creator has either sent it or marked it deferred.
 */
export class Outbox {
    constructor(private readonly deps: OutboxDeps) {}

    /** Stores an event and sends it now if nothing is ahead of it; otherwise a delivery pass will. */
    public async enqueue(payload: WebhookPayload, eventTime: number): Promise<void> {
        const id = await this.add(payload, eventTime);
        await this.sendOwn(payload.ticketId, id);
    }

    /**
     * Stores an event in its ticket's queue; returns its id for `sendOwn`.
     * `holdMs` keeps it back that long and leaves it to a delivery pass.
     */
    public async add(payload: WebhookPayload, eventTime: number, holdMs = 0): Promise<string> {
        const now = this.deps.now();
        lastSeq += 1;
        const seq = lastSeq;
        const entry: OutboxEntry = {
            id: `${payload.ticketId}:${eventTime}:${seq}:${Math.floor(Math.random() * 1e9)}`,
            ticketId: payload.ticketId,
            eventTime,
            seq,
            payload,
            createdAt: now,
            attempts: 0,
            nextAttemptAt: now + holdMs,
            deferred: holdMs > 0 ? true : undefined,
        };
        await this.deps.persis.createWithAssociations(entry, pendingKeys(entry));
        return entry.id;
    }

    /**
     * The creator's attempt: sends its own event when it heads the queue. When
     * something is ahead, the event is marked deferred (a pass may send it) and
     * a delivery job is made sure of.
     */
    public async sendOwn(ticketId: string, mine: string): Promise<void> {
        let { queue, job } = await this.read(ticketId);
        let own = queue.filter((e) => e.id === mine)[0];
        const settle = own ? settledAt(own) - this.deps.now() : 0;
        if (own && queue[0] === own && settle > 0) {
            // Heading the queue may only mean an earlier event is still on its way from another instance.
            await this.deps.sleep(settle);
            ({ queue, job } = await this.read(ticketId));
            own = queue.filter((e) => e.id === mine)[0];
        }
        if (!own) {
            return;
        }
        if (queue[0] !== own) {
            if (!own.deferred) {
                await this.deps.persis.updateByAssociations(pendingKeys(own), { ...own, deferred: true }, false);
            }
            return this.scheduleDrain(ticketId, this.whenPassCan(queue[0], await this.deps.target()), job);
        }
        if (own.nextAttemptAt > this.deps.now()) {
            return this.scheduleDrain(ticketId, own.nextAttemptAt, job);
        }
        const outcome = await this.send(own, await this.deps.target());
        if (outcome.kind === 'delivered') {
            await this.deps.persis.removeByAssociation(Keys.entry(own.id));
        } else if (outcome.kind === 'give-up') {
            await this.giveUp(own, outcome.reason);
        } else {
            return this.retryLater(own, outcome.reason, job);
        }
        if (queue.length > 1) {
            // Events queued behind this one were left to a pass: let one start now.
            await this.scheduleDrain(ticketId, this.deps.now(), job);
        }
    }

    /**
     * The delivery pass: drains every ticket with a due event, `PASS_PARALLEL`
     * tickets at a time, each in order, until `PASS_LIMIT_MS` is spent. Only
     * one pass runs at a time (any instance, any job): one finding another's
     * lease leaves the work to it and exits.
     */
    public async drainAll(): Promise<void> {
        const due = await this.dueTickets();
        if (due.length === 0) {
            return;
        }
        const target = await this.deps.target();
        const started = this.deps.now();
        const deadline = started + Math.max(PASS_LIMIT_MS, target.timeoutMs);
        const lease = await this.takeLease(deadline + IN_FLIGHT_MARGIN_MS);
        if (!lease) {
            // The pass holding the lease took its list of tickets when it began and may not come back to
            // these; and the markers of their tickets promise this job, which is ending: ask for another.
            await this.deps.scheduler.scheduleOnce({ id: JobId.Deliver, when: new Date(started + LEASE_RECHECK_MS), data: {} });
            return;
        }
        try {
            let next = 0;
            const worker = async () => {
                while (next < due.length) {
                    const ticketId = due[next++];
                    await this.drain(ticketId, deadline);
                }
            };
            await Promise.all(Array.from({ length: Math.min(PASS_PARALLEL, due.length) }, worker));
        } finally {
            await this.deps.persis.removeByAssociation(Keys.passLease(lease.token));
        }
    }

    /**
     * One ticket's part of a pass: sends due events in order until the queue is
     * empty, the head must wait, or a send could end past `deadline`, and makes
     * sure of a job for what is left. Called by a pass, which holds the lease.
     */
    public async drain(ticketId: string, deadline?: number): Promise<void> {
        const end = deadline !== undefined ? deadline : this.deps.now() + Math.max(PASS_LIMIT_MS, (await this.deps.target()).timeoutMs);
        for (;;) {
            const { queue, job, markers } = await this.read(ticketId);
            const now = this.deps.now();
            if (queue.length === 0) {
                if (!job) {
                    return;
                }
                // Look once more after removing the markers (each call removes one): an event added
                // meanwhile may have counted on this ticket's marker instead of scheduling a job.
                for (let i = 0; i < markers; i++) {
                    await this.deps.persis.removeByAssociation(Keys.drainJob(ticketId));
                }
                continue;
            }
            const head = queue[0];
            const target = await this.deps.target();
            const when = this.whenPassCan(head, target);
            if (when > now) {
                return this.scheduleDrain(ticketId, when, job, true);
            }
            if (now + target.timeoutMs > end) {
                return this.scheduleDrain(ticketId, now, job, true);
            }
            const outcome = await this.send(head, target);
            if (outcome.kind === 'delivered') {
                await this.deps.persis.removeByAssociation(Keys.entry(head.id));
            } else if (outcome.kind === 'give-up' || windowExpired(head.createdAt, this.deps.now())) {
                await this.giveUp(head, outcome.reason);
            } else {
                return this.retryLater(head, outcome.reason, job, true);
            }
        }
    }

    /**
     * When a pass may send this head: after its back-off and ORDER_SETTLE_MS past
     * its time; and for a fresh event that its creator neither sent nor deferred
     * yet, once the creator must be done (looking again every second meanwhile,
     * as it usually is at once).
     */
    private whenPassCan(head: OutboxEntry, target: DeliveryTarget): number {
        const now = this.deps.now();
        const inFlightUntil = head.createdAt + target.timeoutMs + IN_FLIGHT_MARGIN_MS;
        if (head.attempts === 0 && !head.deferred && inFlightUntil > now) {
            return Math.min(inFlightUntil, now + RECHECK_MS);
        }
        return Math.max(head.nextAttemptAt, settledAt(head));
    }

    /** Tickets with an event due now, the longest waiting first. */
    private async dueTickets(): Promise<Array<string>> {
        const records = (await this.deps.reader.readByAssociation(Keys.anyPending())) as Array<OutboxEntry | DrainJob>;
        const now = this.deps.now();
        const since: { [ticketId: string]: number } = Object.create(null);
        for (const record of records) {
            if (!isDrainJob(record) && record.nextAttemptAt <= now) {
                since[record.ticketId] = Math.min(since[record.ticketId] ?? Infinity, record.nextAttemptAt);
            }
        }
        return Object.keys(since).sort((a, b) => since[a] - since[b]);
    }

    /**
     * Takes the pass lease, or returns nothing when another pass holds one.
     * Write first, then read: of two passes starting together, the later
     * reader sees the other's lease and backs off, so at most one goes on
     * (both may back off; the jobs behind them try again). A lease outlives
     * its pass only if its instance died, and then only until `until`.
     */
    private async takeLease(until: number): Promise<PassLease | undefined> {
        const lease: PassLease = { kind: PASS_LEASE, token: `${this.deps.now()}:${Math.floor(Math.random() * 1e12)}`, until };
        await this.deps.persis.createWithAssociations(lease, [Keys.passLease(lease.token), Keys.passLeases()]);
        const leases = (await this.deps.reader.readByAssociation(Keys.passLeases())) as Array<PassLease>;
        const now = this.deps.now();
        for (const other of leases.filter((l) => l.token !== lease.token && l.until <= now)) {
            await this.deps.persis.removeByAssociation(Keys.passLease(other.token));
        }
        if (leases.some((l) => l.token !== lease.token && l.until > now)) {
            await this.deps.persis.removeByAssociation(Keys.passLease(lease.token));
            return undefined;
        }
        return lease;
    }

    public async pendingCount(): Promise<number> {
        const records = (await this.deps.reader.readByAssociation(Keys.anyPending())) as Array<OutboxEntry | DrainJob>;
        return records.filter((r) => !isDrainJob(r)).length;
    }

    public async failed(): Promise<Array<OutboxEntry>> {
        return (await this.deps.reader.readByAssociation(Keys.anyFailed())) as Array<OutboxEntry>;
    }

    /** Puts every given-up event back in its queue with a fresh retry window. Returns how many. */
    public async retryFailed(): Promise<number> {
        const failed = await this.failed();
        const now = this.deps.now();
        const tickets: { [ticketId: string]: true } = Object.create(null);
        for (const entry of failed) {
            const again: OutboxEntry = { ...entry, attempts: 0, createdAt: now, nextAttemptAt: now, deferred: true, failedAt: undefined };
            await this.deps.persis.removeByAssociation(Keys.entry(entry.id));
            await this.deps.persis.createWithAssociations(again, pendingKeys(again));
            tickets[entry.ticketId] = true;
        }
        for (const ticketId of Object.keys(tickets)) {
            await this.scheduleDrain(ticketId, now, (await this.read(ticketId)).job);
        }
        return failed.length;
    }

    /**
     * The ticket's queue in order, and its latest job marker if any: one read,
     * as both share the ticket's key. Two schedulers upserting at the same
     * moment can leave two markers (an upsert is not exclusive).
     */
    private async read(ticketId: string): Promise<{ queue: Array<OutboxEntry>; job?: DrainJob; markers: number }> {
        const records = (await this.deps.reader.readByAssociation(Keys.pendingFor(ticketId))) as Array<OutboxEntry | DrainJob>;
        const markers = records.filter(isDrainJob).sort((a, b) => b.at - a.at || (a.token < b.token ? 1 : -1));
        const queue = records.filter((r): r is OutboxEntry => !isDrainJob(r)).sort((a, b) => a.eventTime - b.eventTime || a.seq - b.seq);
        return { queue, job: markers[0], markers: markers.length };
    }

    private async send(entry: OutboxEntry, target: DeliveryTarget): Promise<Outcome> {
        if (!target.url) {
            return { kind: 'retry', reason: 'no webhook URL yet: RapidPro has not called PUT /settings' };
        }
        if (!target.secret) {
            return { kind: 'retry', reason: 'the App Secret is not set' };
        }
        try {
            const response = await this.deps.http.post(target.url, {
                headers: { 'Content-Type': 'application/json', 'Authorization': `Token ${target.secret}` },
                content: JSON.stringify(entry.payload),
                timeout: target.timeoutMs,
            });
            return outcomeOfStatus(response.statusCode);
        } catch (e) {
            return { kind: 'retry', reason: `request failed: ${describe(e)}` };
        }
    }

    private async retryLater(entry: OutboxEntry, reason: string, job: DrainJob | undefined, inPass = false): Promise<void> {
        const attempts = entry.attempts + 1;
        const nextAttemptAt = this.deps.now() + retryDelayMs(attempts);
        const updated: OutboxEntry = { ...entry, attempts, nextAttemptAt, lastError: reason };
        await this.deps.persis.updateByAssociations(pendingKeys(entry), updated, false);
        this.deps.logger.warn(`${entry.payload.type} for ticket ${entry.ticketId} not delivered (attempt ${attempts}): ${reason}; next try in ${Math.round((nextAttemptAt - this.deps.now()) / 1000)} s`);
        await this.scheduleDrain(entry.ticketId, nextAttemptAt, job, inPass);
    }

    private async giveUp(entry: OutboxEntry, reason: string): Promise<void> {
        const failed: OutboxEntry = { ...entry, attempts: entry.attempts + 1, lastError: reason, failedAt: this.deps.now() };
        await this.deps.persis.removeByAssociation(Keys.entry(entry.id));
        await this.deps.persis.createWithAssociations(failed, [Keys.anyFailed(), Keys.entry(entry.id)]);
        this.deps.logger.error(`gave up delivering ${entry.payload.type} for ticket ${entry.ticketId} after ${failed.attempts} attempts: ${reason}`);
    }


    /**
     * Makes sure a delivery job runs at `at` for this ticket. Skipped when the
     * ticket's marker promises a job by then: a future one; or, for a creator,
     * one due a moment ago, queued or running, whose pass will look at this
     * ticket (a pass itself never counts on such a marker: it may be its own,
     * and it is leaving the ticket). A marker past `MARKER_TRUSTED_MS` promises
     * nothing. An extra job costs one pass; a missing one, a wait for the sweep.
     */
    private async scheduleDrain(ticketId: string, at: number, job: DrainJob | undefined, inPass = false): Promise<void> {
        const now = this.deps.now();
        const when = Math.max(at, now);
        if (job && job.at > now && job.at <= when) {
            return;
        }
        if (job && !inPass && job.at <= now && job.at > now - MARKER_TRUSTED_MS) {
            return;
        }
        const marker: DrainJob = { kind: DRAIN_JOB, ticketId, at: when, token: `${when}:${Math.floor(Math.random() * 1e12)}` };
        await this.deps.persis.updateByAssociations([Keys.drainJob(ticketId), Keys.pendingFor(ticketId), Keys.anyPending()], marker, true);
        await this.deps.scheduler.scheduleOnce({ id: JobId.Deliver, when: new Date(when), data: { ticketId } });
    }
}

function describe(e: unknown): string {
    // Rocket.Chat's bridge quotes the whole webhook URL in a network error; its path stays out of the log.
    const message = withOriginsOnly(e instanceof Error ? e.message : String(e));
    return message.slice(0, 300);
}
