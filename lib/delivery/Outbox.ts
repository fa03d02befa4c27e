import { IHttp, ILogger, IPersistence, IPersistenceRead, ISchedulerModify } from '@rocket.chat/apps-engine/definition/accessors';
import { Keys } from '../core/Associations';
import { JobId } from '../jobs/JobIds';
import { Outcome, outcomeOfStatus, retryDelayMs, windowExpired } from './RetryPolicy';
import { MessageOrigin, missingBefore, orderWindowStart, RoomMessage } from './RoomOrder';
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
    /** The agent message it carries, for the order check (RoomOrder). */
    origin?: MessageOrigin;
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
    /** The room's newest messages, newest first (Rocket.Chat's room read). */
    roomMessages: (roomId: string) => Promise<Array<RoomMessage>>;
    now: () => number;
}

/** Slack on top of the request timeout before an in-flight event is assumed abandoned by its sender. */
const IN_FLIGHT_MARGIN_MS = 2000;

/**
 * The marker of a scheduled delivery job, one per job, for all tickets: a
 * pass serves every due ticket, so a job already coming is enough for any
 * ticket, and scheduling is skipped. It guards no event (the pass lease does),
 * so a marker wrongly taken for lost costs one extra job run, never a
 * duplicate; and a job is never scheduled per ticket, so a backlog of tickets
 * makes no backlog of jobs (Rocket.Chat runs them one at a time per instance,
 * and each waiting job costs the server memory).
 */
export interface PassMarker {
    kind: typeof PASS_MARKER;
    at: number;
    token: string;
}

/** The time of the ticket's last sent agent message: earlier replies cannot be missing before it. */
export interface SentMark {
    kind: typeof SENT_MARK;
    ticketId: string;
    upTo: number;
}

/** Held by the one delivery pass running at a time (any job, any instance). */
export interface PassLease {
    kind: typeof PASS_LEASE;
    token: string;
    /** When the pass must be over: it starts no send that could end later. */
    until: number;
}

const PASS_MARKER = 'pass-marker';
const SENT_MARK = 'sent-mark';
const PASS_LEASE = 'pass-lease';
/** The per-ticket job marker earlier builds stored in the queue: read only to remove it. */
const LEGACY_DRAIN_JOB = 'drain-job';

/**
 * A queued event's keys. Rocket.Chat updates only a record whose key list is
 * exactly the one given (Mongo array equality), so every write uses this list.
 * The event's own key comes first: an array match is looked up by its first
 * element (Mongo's multikey index, and the host's), and with the shared
 * `anyPending` first each update would read the whole backlog.
 */
const pendingKeys = (entry: OutboxEntry) => [
    Keys.entry(entry.id), Keys.pendingFor(entry.ticketId), Keys.anyPending(),
    // An agent message is also filed under its room, where the ticket is: the handler reads both at once.
    ...(entry.origin ? [Keys.room(entry.origin.roomId)] : []),
];
const sentMarkKeys = (ticketId: string, roomId: string) => [Keys.sentMark(ticketId), Keys.pendingFor(ticketId), Keys.room(roomId)];
type QueueRecord = OutboxEntry | SentMark | { kind: typeof LEGACY_DRAIN_JOB };
/** Queued events carry a payload; the other records under a queue's keys (marks, a room's ticket) do not. */
const isEntry = (record: QueueRecord): record is OutboxEntry =>
    (record as { kind?: string }).kind === undefined && (record as OutboxEntry).payload !== undefined;
const inOrder = (a: OutboxEntry, b: OutboxEntry) => a.eventTime - b.eventTime || a.seq - b.seq;

/**
 * A marker this much past its time is not trusted to stand for a coming job:
 * its job may have been dropped (Rocket.Chat removes a one-time job that comes
 * due while the app is disabled; a run cut by the runtime's timeout is marked
 * failed and never runs again). It may also just be waiting its turn behind
 * slow runs; then the new job scheduled beside it is one more pass, harmless.
 */
const MARKER_TRUSTED_MS = 60 * 1000;
/** How soon a queue whose head another sender may hold, or whose head waits for an earlier reply, is looked at again. */
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

/** A ticket's queue as one read returns it. */
interface Queue {
    /** Its events in order. */
    events: Array<OutboxEntry>;
    sent?: SentMark;
    /** Job markers stored by earlier builds. */
    legacy: number;
}

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
 *   answer; a pass instead serves every due ticket in one run, and asks for
 *   one job for whatever comes due next. A pass leaves a fresh head alone
 *   until its creator has either sent it or marked it deferred.
 *
 * Before an agent message is sent, the room is read for an earlier reply of the
 * same agent whose event is not queued yet (RoomOrder); the head waits for it.
 */
export class Outbox {
    constructor(private readonly deps: OutboxDeps) {}

    /**
     * Stores an event and sends it now if nothing is ahead of it; otherwise a
     * delivery pass will. `seen`: the records under the ticket's room key, read
     * just before (the ticket, and the queue of a ticket that files it there),
     * so no second read is needed to learn whether this event heads its queue.
     * That read may miss an event stored since: only another of the agent's
     * replies could be one that sorts earlier (a close-room comes after every
     * message), and the room read before sending catches exactly that.
     */
    public async enqueue(payload: WebhookPayload, eventTime: number, origin?: MessageOrigin, seen?: Array<unknown>): Promise<void> {
        const own = await this.store(payload, eventTime, 0, origin);
        if (!seen) {
            return this.sendOwn(payload.ticketId, own.id);
        }
        const before = queueOf(payload.ticketId, seen as Array<QueueRecord>);
        const events = [...before.events, own].sort(inOrder);
        return this.sendIfHead(own, { ...before, events });
    }

    /**
     * Stores an event in its ticket's queue; returns its id for `sendOwn`.
     * `holdMs` keeps it back that long and leaves it to a delivery pass.
     */
    public async add(payload: WebhookPayload, eventTime: number, holdMs = 0): Promise<string> {
        return (await this.store(payload, eventTime, holdMs)).id;
    }

    private async store(payload: WebhookPayload, eventTime: number, holdMs: number, origin?: MessageOrigin): Promise<OutboxEntry> {
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
            origin,
        };
        await this.deps.persis.createWithAssociations(entry, pendingKeys(entry));
        return entry;
    }

    /**
     * The creator's attempt: sends its own event when it heads the queue. When
     * something is ahead, or an earlier reply is still on its way, the event
     * is marked deferred (a pass may send it) and a delivery job is made sure of.
     */
    public async sendOwn(ticketId: string, mine: string): Promise<void> {
        const queue = await this.read(ticketId);
        const own = queue.events.filter((e) => e.id === mine)[0];
        if (own) {
            await this.sendIfHead(own, queue);
        }
    }

    private async sendIfHead(own: OutboxEntry, queue: Queue): Promise<void> {
        if (queue.events[0] !== own) {
            await this.defer(own);
            return this.scheduleDrain(this.whenPassCan(queue.events[0], await this.deps.target()));
        }
        if (own.nextAttemptAt > this.deps.now()) {
            return this.scheduleDrain(own.nextAttemptAt);
        }
        if (await this.waitsForEarlier(own, queue)) {
            await this.defer(own);
            return this.scheduleDrain(this.deps.now() + RECHECK_MS);
        }
        const outcome = await this.send(own, await this.deps.target());
        if (outcome.kind === 'retry') {
            return this.scheduleDrain(await this.retryLater(own, outcome.reason));
        }
        await this.settle(own, queue, outcome.kind === 'give-up' ? outcome.reason : undefined);
        if (queue.events.length > 1) {
            // Events queued behind this one were left to a pass: let one start now.
            await this.scheduleDrain(this.deps.now());
        }
    }

    /**
     * The delivery pass: drains every ticket with a due event, `PASS_PARALLEL`
     * tickets at a time, each in order, until `PASS_LIMIT_MS` is spent, then
     * schedules one job for the earliest moment anything comes due again. Only
     * one pass runs at a time (any instance, any job): one finding another's
     * lease leaves the work to it and looks again a little later.
     */
    public async drainAll(): Promise<void> {
        const started = this.deps.now();
        // First, so a creator that counted on one of these jobs has its event stored before the read below.
        await this.removeMarkersDueBy(started);
        const { due, next } = await this.scan(started);
        if (due.length === 0) {
            return next === undefined ? undefined : this.scheduleDrain(next, true);
        }
        const target = await this.deps.target();
        const deadline = started + Math.max(PASS_LIMIT_MS, target.timeoutMs);
        const lease = await this.takeLease(deadline + IN_FLIGHT_MARGIN_MS);
        if (!lease) {
            // The pass holding the lease took its list of tickets when it began and may not come back to these.
            return this.scheduleDrain(started + LEASE_RECHECK_MS, true);
        }
        let comeBack = next;
        try {
            let i = 0;
            const worker = async () => {
                while (i < due.length) {
                    const at = await this.drainTicket(due[i++], deadline);
                    comeBack = earliest(comeBack, at);
                }
            };
            await Promise.all(Array.from({ length: Math.min(PASS_PARALLEL, due.length) }, worker));
        } finally {
            await this.deps.persis.removeByAssociation(Keys.passLease(lease.token));
        }
        if (comeBack !== undefined) {
            await this.scheduleDrain(comeBack, true);
        }
    }

    /** One ticket drained as a pass would (without the lease), and a job for what is left. */
    public async drain(ticketId: string): Promise<void> {
        const deadline = this.deps.now() + Math.max(PASS_LIMIT_MS, (await this.deps.target()).timeoutMs);
        const comeBack = await this.drainTicket(ticketId, deadline);
        if (comeBack !== undefined) {
            await this.scheduleDrain(comeBack, true);
        }
    }

    /**
     * One ticket's part of a pass: sends due events in order until the queue is
     * empty, the head must wait, or a send could end past `deadline`. Returns
     * when the ticket needs a pass again, if it does.
     */
    private async drainTicket(ticketId: string, deadline: number): Promise<number | undefined> {
        for (;;) {
            const queue = await this.read(ticketId);
            const now = this.deps.now();
            if (queue.events.length === 0) {
                for (let i = 0; i < queue.legacy; i++) {
                    await this.deps.persis.removeByAssociation(Keys.legacyDrainJob(ticketId));
                }
                return undefined;
            }
            const head = queue.events[0];
            const target = await this.deps.target();
            const when = this.whenPassCan(head, target);
            if (when > now) {
                return when;
            }
            if (now + target.timeoutMs > deadline) {
                return now;
            }
            if (await this.waitsForEarlier(head, queue)) {
                return now + RECHECK_MS;
            }
            const outcome = await this.send(head, target);
            if (outcome.kind === 'retry' && !windowExpired(head.createdAt, this.deps.now())) {
                return this.retryLater(head, outcome.reason);
            }
            await this.settle(head, queue, outcome.kind === 'delivered' ? undefined : outcome.reason);
        }
    }

    /**
     * When a pass may send this head: after its back-off; and for a fresh event
     * that its creator neither sent nor deferred yet, once the creator must be
     * done (looking again every second meanwhile, as it usually is at once).
     */
    private whenPassCan(head: OutboxEntry, target: DeliveryTarget): number {
        const now = this.deps.now();
        const inFlightUntil = head.createdAt + target.timeoutMs + IN_FLIGHT_MARGIN_MS;
        if (head.attempts === 0 && !head.deferred && inFlightUntil > now) {
            return Math.min(inFlightUntil, now + RECHECK_MS);
        }
        return head.nextAttemptAt;
    }

    /**
     * True when the head is an agent message with an earlier reply of the same
     * agent in the room whose event is not queued yet (RoomOrder). A room that
     * cannot be read holds nothing up: Rocket.Chat versions from before 2024
     * have no such read (Rocket.Chat#32176), and the delivery matters more.
     * Logged at debug level, as there it fails for every message.
     */
    private async waitsForEarlier(head: OutboxEntry, queue: Queue): Promise<boolean> {
        const since = orderWindowStart(queue.sent ? queue.sent.upTo : undefined, this.deps.now());
        if (!head.origin || head.eventTime <= since) {
            return false;
        }
        let messages: Array<RoomMessage>;
        try {
            messages = await this.deps.roomMessages(head.origin.roomId);
        } catch (e) {
            this.deps.logger.debug(`ticket ${head.ticketId}: could not read room ${head.origin.roomId} for the order check: ${describe(e)}`);
            return false;
        }
        const queued = queue.events.map((e) => (e.origin ? e.origin.messageId : ''));
        const missing = missingBefore({ eventTime: head.eventTime, origin: head.origin }, messages, queued, since);
        if (missing.length > 0) {
            this.deps.logger.debug(`ticket ${head.ticketId}: agent-message waits for the agent's earlier message ${missing[0].id}, whose event has not arrived yet`);
        }
        return missing.length > 0;
    }

    /** Tickets with an event due at `now`, the longest waiting first, and the earliest time another comes due. */
    private async scan(now: number): Promise<{ due: Array<string>; next?: number }> {
        const records = (await this.deps.reader.readByAssociation(Keys.anyPending())) as Array<QueueRecord>;
        const since: { [ticketId: string]: number } = Object.create(null);
        let next: number | undefined;
        for (const record of records) {
            if (!isEntry(record)) {
                // an earlier build's job marker: its ticket is visited once, to remove it
                const ticketId = (record as { ticketId?: string }).ticketId;
                if (ticketId && since[ticketId] === undefined) {
                    since[ticketId] = Infinity;
                }
            } else if (record.nextAttemptAt <= now) {
                since[record.ticketId] = Math.min(since[record.ticketId] ?? Infinity, record.nextAttemptAt);
            } else {
                next = earliest(next, record.nextAttemptAt);
            }
        }
        return { due: Object.keys(since).sort((a, b) => since[a] - since[b]), next };
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
        const records = (await this.deps.reader.readByAssociation(Keys.anyPending())) as Array<QueueRecord>;
        return records.filter(isEntry).length;
    }

    public async failed(): Promise<Array<OutboxEntry>> {
        return (await this.deps.reader.readByAssociation(Keys.anyFailed())) as Array<OutboxEntry>;
    }

    /** Puts every given-up event back in its queue with a fresh retry window. Returns how many. */
    public async retryFailed(): Promise<number> {
        const failed = await this.failed();
        const now = this.deps.now();
        for (const entry of failed) {
            const again: OutboxEntry = { ...entry, attempts: 0, createdAt: now, nextAttemptAt: now, deferred: true, failedAt: undefined };
            await this.deps.persis.removeByAssociation(Keys.entry(entry.id));
            await this.deps.persis.createWithAssociations(again, pendingKeys(again));
        }
        if (failed.length > 0) {
            await this.scheduleDrain(now);
        }
        return failed.length;
    }

    /** The ticket's queue in order, with its sent mark: one read, as all share the ticket's key. */
    private async read(ticketId: string): Promise<Queue> {
        return queueOf(ticketId, (await this.deps.reader.readByAssociation(Keys.pendingFor(ticketId))) as Array<QueueRecord>);
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

    private async defer(entry: OutboxEntry): Promise<void> {
        if (!entry.deferred) {
            await this.deps.persis.updateByAssociations(pendingKeys(entry), { ...entry, deferred: true }, false);
        }
    }

    /** Keeps a failed event for a later attempt; returns when that is. */
    private async retryLater(entry: OutboxEntry, reason: string): Promise<number> {
        const attempts = entry.attempts + 1;
        const nextAttemptAt = this.deps.now() + retryDelayMs(attempts);
        const updated: OutboxEntry = { ...entry, attempts, nextAttemptAt, lastError: reason };
        await this.deps.persis.updateByAssociations(pendingKeys(entry), updated, false);
        this.deps.logger.warn(`${entry.payload.type} for ticket ${entry.ticketId} not delivered (attempt ${attempts}): ${reason}; next try in ${Math.round((nextAttemptAt - this.deps.now()) / 1000)} s`);
        return nextAttemptAt;
    }

    /**
     * The head is done with, sent or given up (`giveUp` holds the reason): it
     * leaves the queue, and the ticket's sent mark moves up to it. A close-room
     * ends the ticket's events, and takes the mark with it.
     */
    private async settle(head: OutboxEntry, queue: Queue, giveUp?: string): Promise<void> {
        // The mark first: once the head is gone, a close-room behind it may go, and take the mark with it.
        if (head.payload.type !== 'close-room' && head.origin && !head.origin.closed && (!queue.sent || queue.sent.upTo < head.eventTime)) {
            const mark: SentMark = { kind: SENT_MARK, ticketId: head.ticketId, upTo: head.eventTime };
            await this.deps.persis.updateByAssociations(sentMarkKeys(head.ticketId, head.origin.roomId), mark, true);
        }
        await this.deps.persis.removeByAssociation(Keys.entry(head.id));
        if (giveUp !== undefined) {
            const failed: OutboxEntry = { ...head, attempts: head.attempts + 1, lastError: giveUp, failedAt: this.deps.now() };
            await this.deps.persis.createWithAssociations(failed, [Keys.anyFailed(), Keys.entry(head.id)]);
            this.deps.logger.error(`gave up delivering ${head.payload.type} for ticket ${head.ticketId} after ${failed.attempts} attempts: ${giveUp}`);
        }
        if (head.payload.type === 'close-room' && queue.sent) {
            await this.deps.persis.removeByAssociation(Keys.sentMark(head.ticketId));
        }
    }

    /** Removes the markers of the jobs due by `now`: this pass stands for them. */
    private async removeMarkersDueBy(now: number): Promise<void> {
        const markers = (await this.deps.reader.readByAssociation(Keys.passMarkers())) as Array<PassMarker>;
        for (const marker of markers.filter((m) => m.at <= now)) {
            await this.deps.persis.removeByAssociation(Keys.passMarker(marker.token));
        }
    }

    /**
     * Makes sure a delivery job runs at `at`. Skipped when a marker promises a
     * job by then: a future one; or, for a creator, one due a moment ago,
     * queued or running, whose pass will read the queues after removing its
     * marker and so see this event (a pass itself never counts on such a
     * marker: it may be its own, and the pass is ending). A marker past
     * `MARKER_TRUSTED_MS` promises nothing. An extra job costs one pass; a
     * missing one, a wait for the sweep.
     */
    private async scheduleDrain(at: number, inPass = false): Promise<void> {
        const now = this.deps.now();
        const when = Math.max(at, now);
        const markers = (await this.deps.reader.readByAssociation(Keys.passMarkers())) as Array<PassMarker>;
        const promised = (m: PassMarker) => m.at <= when && (m.at > now || (!inPass && m.at > now - MARKER_TRUSTED_MS));
        if (markers.some(promised)) {
            return;
        }
        const marker: PassMarker = { kind: PASS_MARKER, at: when, token: `${when}:${Math.floor(Math.random() * 1e12)}` };
        await this.deps.persis.createWithAssociations(marker, [Keys.passMarker(marker.token), Keys.passMarkers()]);
        await this.deps.scheduler.scheduleOnce({ id: JobId.Deliver, when: new Date(when), data: {} });
    }
}

/** The earlier of two times, either of which may be missing. */
const earliest = (a: number | undefined, b: number | undefined) => (a === undefined ? b : b === undefined ? a : Math.min(a, b));

/** A ticket's queue from the records read under its key (or its room's, which also holds the ticket). */
function queueOf(ticketId: string, records: Array<QueueRecord>): Queue {
    const mine = records.filter((r) => (r as { ticketId?: string }).ticketId === ticketId);
    const events = mine.filter(isEntry).sort(inOrder);
    const marks = mine.filter((r): r is SentMark => (r as SentMark).kind === SENT_MARK);
    const legacy = mine.filter((r) => (r as { kind?: string }).kind === LEGACY_DRAIN_JOB).length;
    return { events, sent: marks[0], legacy };
}

function describe(e: unknown): string {
    // Rocket.Chat's bridge quotes the whole webhook URL in a network error; its path stays out of the log.
    const message = withOriginsOnly(e instanceof Error ? e.message : String(e));
    return message.slice(0, 300);
}
