// @ts-check
// Rocket.Chat: packages/agenda/src/Agenda.ts (7.x/8.x, @rocket.chat/agenda 0.1.x), over the host's store.
// What the app feels of it:
// - a poll every `processEvery` (5 s unless configured; Rocket.Chat does not
//   configure it) locks, per job name, every job due before the next poll;
//   a job saved due before the next poll is locked and run at once ("on the fly");
// - a job is locked by setting `lockedAt` in one atomic find-and-update, so one
//   instance takes it; a lock older than `lockLifetime` (10 min) is free again
//   for any instance (its instance is taken for dead), also while it runs;
// - each name runs at most `concurrency` jobs at a time per instance
//   (Rocket.Chat sets defaultConcurrency 1), at most `maxConcurrency` (20) in all;
//   the others wait, locked, in this instance's queue in nextRunAt order;
// - a run saves lastRunAt and the next run first (none for a one-time job),
//   then calls the processor; afterwards lockedAt is cleared, with
//   failCount/failReason/failedAt when the processor threw.
import humanInterval from 'human-interval';
import { Job } from './Job.mjs';
import { JobProcessingQueue } from './JobProcessingQueue.mjs';
import { jobCollection } from './JobCollection.mjs';

const DEFAULT_LOCK_LIFETIME_MS = 10 * 60 * 1000;

/** Agenda's sort { nextRunAt: 1, priority: -1 } (null nextRunAt first, as in MongoDB). */
const bySchedule = (a, b) => (a.nextRunAt ?? -Infinity) - (b.nextRunAt ?? -Infinity) || (b.priority || 0) - (a.priority || 0);

export class Agenda {
	/**
	 * @param {{ store: import('../../store.mjs').Store, name?: string, processEvery?: string,
	 *   defaultConcurrency?: number, maxConcurrency?: number, defaultLockLimit?: number, lockLimit?: number,
	 *   defaultLockLifetime?: number, log?: (line: string) => void }} config
	 */
	constructor(config) {
		this._name = config.name;
		this._processEvery = humanInterval(config.processEvery) || humanInterval('5 seconds');
		this._defaultConcurrency = config.defaultConcurrency || 5;
		this._maxConcurrency = config.maxConcurrency || 20;
		this._defaultLockLimit = config.defaultLockLimit || 0;
		this._lockLimit = config.lockLimit || 0;
		this._defaultLockLifetime = config.defaultLockLifetime || DEFAULT_LOCK_LIFETIME_MS;
		this.log = config.log || (() => undefined);
		this._collection = jobCollection(config.store);
		/** @type {Record<string, { fn: (job: Job) => Promise<void>, concurrency: number, lockLimit: number, priority: number, lockLifetime: number, running: number, locked: number }>} */
		this._definitions = {};
		/** @type {Job[]} */ this._runningJobs = [];
		/** @type {Job[]} */ this._lockedJobs = [];
		/** @type {Job[]} */ this._jobsToLock = [];
		this._jobQueue = new JobProcessingQueue();
		this._isLockingOnTheFly = false;
		/** @type {NodeJS.Timeout | undefined} */ this._processInterval = undefined;
		this._nextScanAt = 0;
		/** Timers of jobs locked ahead of their time (cleared on stop so the host can exit). */
		this._timers = new Set();
	}

	define(name, fn, options = {}) {
		this._definitions[name] = {
			fn,
			concurrency: options.concurrency || this._defaultConcurrency,
			lockLimit: options.lockLimit || this._defaultLockLimit,
			priority: options.priority || 0,
			lockLifetime: options.lockLifetime || this._defaultLockLifetime,
			running: 0,
			locked: 0,
		};
	}

	getDefinition(name) {
		return this._definitions[name];
	}

	create(name, data = {}) {
		const priority = this._definitions[name] ? this._definitions[name].priority : 0;
		return new Job(this, { name, data, type: 'normal', priority });
	}

	/** Rocket.Chat: Agenda.ts every/_createIntervalJob: one `single` job per name, upserted. */
	async every(interval, name, data, options = {}) {
		const job = this.create(name, data);
		job.attrs.type = 'single';
		job.repeatEvery(interval, options);
		await job.save();
		return job;
	}

	/**
	 * Rocket.Chat: Agenda.ts schedule/_createScheduledJob. Agenda does not await
	 * the save there: the job is returned before it is stored (its _id is still
	 * '') and a failed save is not the caller's error.
	 */
	async schedule(when, name, data) {
		const job = this.create(name, data);
		job.schedule(when).save().catch((e) => this.log(`[host] scheduler: saving job ${name} failed: ${e?.message || e}`));
		return job;
	}

	/** @param {(doc: Record<string, any>) => boolean} filter */
	async jobs(filter, limit = 0) {
		return (await this._collection.find(filter, { limit })).map((doc) => new Job(this, doc));
	}

	/** @param {(doc: Record<string, any>) => boolean} filter @returns {Promise<number>} */
	cancel(filter) {
		return this._collection.deleteMany(filter);
	}

	/** Rocket.Chat: Agenda.ts saveJob: update by _id, upsert a `single` by name, or insert. */
	async saveJob(job) {
		const props = job.toJSON();
		props.lastModifiedBy = this._name;
		const id = job.attrs._id;
		let saved;
		if (id) {
			saved = await this._collection.findOneAndUpdate((d) => d._id === id, { $set: props });
		} else if (props.type === 'single') {
			// A due nextRunAt is only set on insert: scheduling the job again does not run it again now.
			const { nextRunAt, ...$set } = props;
			const $setOnInsert = {};
			if (nextRunAt && nextRunAt <= Date.now()) $setOnInsert.nextRunAt = nextRunAt;
			else $set.nextRunAt = nextRunAt;
			saved = await this._collection.findOneAndUpdate((d) => d.name === props.name && d.type === 'single', { $set, $setOnInsert }, { upsert: { name: props.name, type: 'single' } });
		} else {
			saved = await this._collection.insertOne(props);
		}
		this._processDbResult(job, saved);
	}

	_processDbResult(job, saved) {
		if (!saved) return;
		job.attrs._id = saved._id;
		job.attrs.nextRunAt = saved.nextRunAt;
		// Due before the next poll: lock and run it now instead of waiting for that poll.
		if (job.attrs.nextRunAt != null && job.attrs.nextRunAt < this._nextScanAt) this.processJobs(job);
	}

	async start() {
		if (this._processInterval) return;
		this._processInterval = setInterval(() => this.processJobs(), this._processEvery);
		this._processInterval.unref?.();
		process.nextTick(() => this.processJobs());
	}

	/** Rocket.Chat: Agenda.ts stop: no more polls, and (`unlock`) this instance's locked jobs are unlocked. */
	async stop({ unlock = true } = {}) {
		clearInterval(this._processInterval);
		this._processInterval = undefined;
		for (const timer of this._timers) clearTimeout(timer);
		this._timers.clear();
		const ids = new Set(this._lockedJobs.map((job) => job.attrs._id));
		if (unlock && ids.size) await this._collection.updateMany((d) => ids.has(d._id), { lockedAt: null });
		this._lockedJobs = [];
	}

	_findAndLockNextJob(name, definition) {
		const now = Date.now();
		const lockDeadline = now - definition.lockLifetime;
		const nextScanAt = this._nextScanAt;
		return this._collection
			.findOneAndUpdate(
				(d) => d.name === name && d.disabled !== true
					&& ((d.lockedAt == null && d.nextRunAt != null && d.nextRunAt <= nextScanAt) || (d.lockedAt != null && d.lockedAt <= lockDeadline)),
				{ $set: { lockedAt: now } },
				{ sort: bySchedule },
			)
			.then((doc) => (doc ? new Job(this, doc) : undefined));
	}

	_shouldLock(name) {
		const definition = this.getDefinition(name);
		if (this._lockLimit && this._lockLimit <= this._lockedJobs.length) return false;
		return !(definition.lockLimit && definition.lockLimit <= definition.locked);
	}

	async _lockOnTheFly() {
		if (this._isLockingOnTheFly || this._jobsToLock.length === 0) return;
		this._isLockingOnTheFly = true;
		const job = /** @type {Job} */ (this._jobsToLock.pop());
		if (!this._shouldLock(job.attrs.name)) {
			this._jobsToLock = [];
			this._isLockingOnTheFly = false;
			return;
		}
		const { _id, nextRunAt } = job.attrs;
		const locked = await this._collection.findOneAndUpdate(
			(d) => d._id === _id && d.lockedAt == null && d.nextRunAt === nextRunAt && d.disabled !== true,
			{ $set: { lockedAt: Date.now() } },
		);
		if (locked) {
			const lockedJob = new Job(this, locked);
			this._lockedJobs.push(lockedJob);
			this._definitions[lockedJob.attrs.name].locked++;
			this._jobQueue.insert(lockedJob);
			this._jobProcessing();
		}
		this._isLockingOnTheFly = false;
		await this._lockOnTheFly();
	}

	async _jobQueueFilling(name) {
		if (!this._shouldLock(name)) return;
		this._nextScanAt = Date.now() + this._processEvery;
		try {
			const job = await this._findAndLockNextJob(name, this._definitions[name]);
			if (job) {
				this._lockedJobs.push(job);
				this._definitions[name].locked++;
				this._jobQueue.insert(job);
				await this._jobQueueFilling(name);
				this._jobProcessing();
			}
		} catch (e) {
			this.log(`[host] scheduler: locking ${name} failed: ${/** @type {any} */ (e)?.message || e}`);
		}
	}

	_runOrRetry() {
		if (!this._processInterval) return;
		const job = this._jobQueue.pop();
		if (!job) return;
		const definition = this._definitions[job.attrs.name];
		if (definition.concurrency > definition.running && this._runningJobs.length < this._maxConcurrency) {
			// Locked so long ago that another instance may have taken it: let it go (a later poll locks it again).
			if (job.attrs.lockedAt && job.attrs.lockedAt < Date.now() - definition.lockLifetime) {
				this._lockedJobs.splice(this._lockedJobs.indexOf(job), 1);
				definition.locked--;
				this._jobProcessing();
				return;
			}
			this._runningJobs.push(job);
			definition.running++;
			job.run().then(
				(ran) => this._processJobResult(ran),
				// As Agenda: a run whose save failed only reports the error; its name stays counted as running here.
				(e) => this.log(`[host] scheduler: job ${job.attrs.name} could not be saved: ${e?.message || e}`),
			);
		} else {
			this._jobQueue.insert(job);
		}
	}

	_jobProcessing() {
		if (this._jobQueue.length === 0) return;
		const job = this._jobQueue.returnNextConcurrencyFreeJob(this._definitions);
		// (Agenda reads job.attrs here unguarded; with every queued name busy it throws.)
		if (!job || job.attrs.nextRunAt == null) return;
		const runIn = job.attrs.nextRunAt - Date.now();
		if (runIn <= 0) {
			this._runOrRetry();
		} else {
			const timer = setTimeout(() => {
				this._timers.delete(timer);
				this._jobProcessing();
			}, runIn);
			timer.unref?.();
			this._timers.add(timer);
		}
	}

	_processJobResult(job) {
		const { name } = job.attrs;
		this._runningJobs.splice(this._runningJobs.indexOf(job), 1);
		if (this._definitions[name].running > 0) this._definitions[name].running--;
		this._lockedJobs.splice(this._lockedJobs.indexOf(job), 1);
		if (this._definitions[name].locked > 0) this._definitions[name].locked--;
		this._jobProcessing();
	}

	/** A poll: for each defined name, lock what is due before the next poll; or lock one job just saved. */
	processJobs(extraJob) {
		if (!this._processInterval) return;
		if (!extraJob) {
			for (const name of Object.keys(this._definitions)) void this._jobQueueFilling(name);
		} else if (this._definitions[extraJob.attrs.name]) {
			this._jobsToLock.push(extraJob);
			void this._lockOnTheFly();
		}
	}
}
