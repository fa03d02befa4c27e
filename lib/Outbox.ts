import { IHttp, ILogger, IPersistence, IPersistenceRead, ISchedulerModify } from '@rocket.chat/apps-engine/definition/accessors';
import { Keys } from './Associations';
import { JobId } from './JobIds';
import { Outcome, outcomeOfStatus, retryDelayMs, windowExpired } from './RetryPolicy';
import { withOriginsOnly } from './Url';
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
}

/** Slack on top of the request timeout before an in-flight event is assumed abandoned by its sender. */
const IN_FLIGHT_MARGIN_MS = 2000;
/** The marker of the one scheduled job that drains a ticket; stored under the ticket's queue key. */
export interface DrainJob {
    kind: typeof DRAIN_JOB;
    ticketId: string;
    at: number;
    token: string;
}

const DRAIN_JOB = 'drain-job';

/**
 * A queued event's keys. Rocket.Chat updates only a record whose key list is
 * exactly the one given (Mongo array equality), so every write uses this list.
 * The event's own key comes first: an array match is looked up by its first
 * element (Mongo's multikey index, and the host's), and with the shared
 * `anyPending` first each update would read the whole backlog.
 */
const pendingKeys = (entry: OutboxEntry) => [Keys.entry(entry.id), Keys.pendingFor(entry.ticketId), Keys.anyPending()];
const isDrainJob = (record: OutboxEntry | DrainJob): record is DrainJob => (record as DrainJob).kind === DRAIN_JOB;

/** A job due this long ago that has not moved its marker is taken as lost (its instance died). */
const LOST_JOB_MS = 2 * 60 * 1000;
/** How soon a queue whose head another sender may hold is looked at again. */
const RECHECK_MS = 1000;
/** A drain stops and hands over to a new job before the runtime's call timeout (30 s) could cut it. */
const DRAIN_BUDGET_MS = 20000;

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
 * - otherwise one chain of scheduler jobs per ticket drains the queue (shared by
 *   every instance of a cluster), with growing back-off on failures. It leaves a
 *   fresh head alone until its creator has either sent it or marked it deferred.
 */
export class Outbox {
    constructor(private readonly deps: OutboxDeps) {}

    /** Stores an event and sends it now if nothing is ahead of it; otherwise the ticket's job will. */
    public async enqueue(payload: WebhookPayload, eventTime: number): Promise<void> {
        const id = await this.add(payload, eventTime);
        await this.sendOwn(payload.ticketId, id);
    }

    /**
     * Stores an event in its ticket's queue; returns its id for `sendOwn`.
     * `holdMs` keeps it back that long and leaves it to the ticket's job.
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
     * something is ahead, the event is marked deferred (the job may send it) and
     * the ticket's job is made sure of.
     */
    public async sendOwn(ticketId: string, mine: string): Promise<void> {
        const { queue, job } = await this.read(ticketId);
        const own = queue.filter((e) => e.id === mine)[0];
        if (!own) {
            return;
        }
        if (queue[0] !== own) {
            if (!own.deferred) {
                await this.deps.persis.updateByAssociations(pendingKeys(own), { ...own, deferred: true }, false);
            }
            return this.scheduleDrain(ticketId, this.whenJobCan(queue[0], await this.deps.target()), job);
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
            // Events queued behind this one were left to the job: let it start now.
            await this.scheduleDrain(ticketId, this.deps.now(), job);
        }
    }

    /**
     * The ticket's job: sends due events in order until the queue is empty, the
     * head must wait, or the time budget is spent, and schedules the next run.
     * A job whose marker a later schedule replaced exits, so one chain drains a
     * ticket, never several at once (after a restart every overdue job fires
     * together). Without a token (the sweep) it runs regardless.
     */
    public async drain(ticketId: string, jobToken?: string): Promise<void> {
        const started = this.deps.now();
        for (;;) {
            const { queue, job, markers } = await this.read(ticketId);
            const now = this.deps.now();
            // Checked on every round, not only the first: a chain whose marker was replaced stops before its next send.
            if (jobToken !== undefined && job && job.token !== jobToken && job.at > now - LOST_JOB_MS) {
                return;
            }
            if (queue.length === 0) {
                if (!job) {
                    return;
                }
                // Look once more after removing the markers (each call removes one): an event added
                // meanwhile saw this job running, so it started no chain of its own, and would
                // otherwise wait for the sweep.
                for (let i = 0; i < markers; i++) {
                    await this.deps.persis.removeByAssociation(Keys.drainJob(ticketId));
                }
                continue;
            }
            const head = queue[0];
            const target = await this.deps.target();
            const when = this.whenJobCan(head, target);
            if (when > now) {
                return this.scheduleDrain(ticketId, when, job, true);
            }
            if (now - started > DRAIN_BUDGET_MS) {
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
     * When the job may send this head: after its back-off; and for a fresh event
     * that its creator neither sent nor deferred yet, once the creator must be
     * done (looking again every second meanwhile, as it usually is at once).
     */
    private whenJobCan(head: OutboxEntry, target: DeliveryTarget): number {
        const now = this.deps.now();
        const inFlightUntil = head.createdAt + target.timeoutMs + IN_FLIGHT_MARGIN_MS;
        if (head.attempts === 0 && !head.deferred && inFlightUntil > now) {
            return Math.min(inFlightUntil, now + RECHECK_MS);
        }
        return head.nextAttemptAt;
    }

    /** Drains every ticket with a due event and no live job: the safety net for lost jobs. */
    public async drainAll(): Promise<void> {
        const records = (await this.deps.reader.readByAssociation(Keys.anyPending())) as Array<OutboxEntry | DrainJob>;
        const now = this.deps.now();
        const due: { [ticketId: string]: true } = Object.create(null);
        const live: { [ticketId: string]: true } = Object.create(null);
        for (const record of records) {
            if (isDrainJob(record)) {
                if (record.at > now - LOST_JOB_MS) {
                    live[record.ticketId] = true;
                }
            } else if (record.nextAttemptAt <= now) {
                due[record.ticketId] = true;
            }
        }
        for (const ticketId of Object.keys(due).filter((t) => !live[t])) {
            await this.drain(ticketId);
        }
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
     * The ticket's queue in order, and its scheduled job if any: one read, as
     * both share the ticket's key. Two schedulers upserting at the same moment
     * can leave two markers (an upsert is not exclusive); the latest is the job's.
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

    private async retryLater(entry: OutboxEntry, reason: string, job: DrainJob | undefined, ownChain = false): Promise<void> {
        const attempts = entry.attempts + 1;
        const nextAttemptAt = this.deps.now() + retryDelayMs(attempts);
        const updated: OutboxEntry = { ...entry, attempts, nextAttemptAt, lastError: reason };
        await this.deps.persis.updateByAssociations(pendingKeys(entry), updated, false);
        this.deps.logger.warn(`${entry.payload.type} for ticket ${entry.ticketId} not delivered (attempt ${attempts}): ${reason}; next try in ${Math.round((nextAttemptAt - this.deps.now()) / 1000)} s`);
        await this.scheduleDrain(entry.ticketId, nextAttemptAt, job, ownChain);
    }

    private async giveUp(entry: OutboxEntry, reason: string): Promise<void> {
        const failed: OutboxEntry = { ...entry, attempts: entry.attempts + 1, lastError: reason, failedAt: this.deps.now() };
        await this.deps.persis.removeByAssociation(Keys.entry(entry.id));
        await this.deps.persis.createWithAssociations(failed, [Keys.anyFailed(), Keys.entry(entry.id)]);
        this.deps.logger.error(`gave up delivering ${entry.payload.type} for ticket ${entry.ticketId} after ${failed.attempts} attempts: ${reason}`);
    }


    /**
     * Makes sure a job drains the ticket at `at`: none is added when the
     * ticket's job already runs earlier, or is due or running now (unless it
     * is the caller's own chain moving on); otherwise the marker moves to `at`,
     * so the job it replaces exits when it fires.
     */
    private async scheduleDrain(ticketId: string, at: number, job: DrainJob | undefined, ownChain = false): Promise<void> {
        const now = this.deps.now();
        const when = Math.max(at, now);
        if (job && job.at > now && job.at <= when) {
            return;
        }
        // A running job reads the queue again before it stops, so it finds what was added. Replacing its
        // marker would start a second chain at once, and two chains send the same events twice.
        if (job && !ownChain && job.at <= now && job.at > now - LOST_JOB_MS) {
            return;
        }
        // A token, not the time: two schedulers racing often pick the same time, and only the last marker's job may run.
        const marker: DrainJob = { kind: DRAIN_JOB, ticketId, at: when, token: `${when}:${Math.floor(Math.random() * 1e12)}` };
        await this.deps.persis.updateByAssociations([Keys.drainJob(ticketId), Keys.pendingFor(ticketId), Keys.anyPending()], marker, true);
        await this.deps.scheduler.scheduleOnce({ id: JobId.Deliver, when: new Date(when), data: { ticketId, token: marker.token } });
    }
}

function describe(e: unknown): string {
    // Rocket.Chat's bridge quotes the whole webhook URL in a network error; its path stays out of the log.
    const message = withOriginsOnly(e instanceof Error ? e.message : String(e));
    return message.slice(0, 300);
}
