// @ts-check
// The app's scheduler, kept like Rocket.Chat's Agenda jobs: persisted in the
// store (they survive a host restart and an app disable/enable), fired by
// calling the processor the engine registered (AppSchedulerManager wraps it:
// it skips the run while the app is disabled). The processor receives
// `{...job data, jobId}` as in Rocket.Chat. A due job whose processor is not
// registered yet (app still starting) waits for it.
import { randomId } from '../chat/ids.mjs';
import { bridges, unsupported } from './engine.mjs';

const UNITS = { ms: 1, millisecond: 1, second: 1e3, sec: 1e3, minute: 6e4, min: 6e4, hour: 36e5, day: 864e5, week: 6048e5 };

/** "5 seconds", "in 2 minutes", "1.5 hours", 3000 (ms), or a cron "*\/N * * * *". */
export function parseInterval(value) {
	if (typeof value === 'number') return value;
	const text = String(value).trim().toLowerCase();
	const cron = text.match(/^(\*|\*\/(\d+)) \* \* \* \*$/);
	if (cron) return (cron[2] ? Number(cron[2]) : 1) * 6e4;
	let total = 0;
	let matched = false;
	for (const [, n, unit] of text.replace(/^in /, '').matchAll(/(\d+(?:\.\d+)?)\s*([a-z]+?)s?\b/g)) {
		const ms = UNITS[unit];
		if (!ms) break;
		total += Number(n) * ms;
		matched = true;
	}
	if (!matched) throw unsupported(`Scheduler interval "${value}"`);
	return total;
}

function parseWhen(when) {
	if (when instanceof Date) return when.getTime();
	const date = Date.parse(String(when));
	if (!Number.isNaN(date) && /\d{4}-\d{2}-\d{2}/.test(String(when))) return date;
	return Date.now() + parseInterval(when);
}

export class HostSchedulerBridge extends bridges.SchedulerBridge {
	/** @param {{ store: import('../store.mjs').Store, log: (line: string) => void }} ctx */
	constructor({ store, log }) {
		super();
		this.store = store;
		this.log = log;
		/** @type {Map<string, Function>} processor id → engine-wrapped processor */
		this.processors = new Map();
		/** @type {Map<string, any>} job id → job */
		this.jobs = new Map();
		this.running = new Set();
		this.timer = undefined;
		this.stopped = false;
	}

	/** Loads persisted jobs (called once at host start). */
	async load() {
		for (const job of await this.store.values('jobs')) this.jobs.set(job._id, job);
		this.arm();
	}

	stop() {
		this.stopped = true;
		clearTimeout(this.timer);
	}

	async registerProcessors(processors, appId) {
		const started = [];
		for (const { id, processor, startupSetting } of processors) {
			this.processors.set(id, processor);
			if (!startupSetting) continue;
			if (startupSetting.type === 'onetime') {
				started.push(await this.scheduleOnce({ id, when: startupSetting.when, data: startupSetting.data }, appId));
			} else if (startupSetting.type === 'recurring') {
				started.push(await this.scheduleRecurring({ id, interval: startupSetting.interval, skipImmediate: startupSetting.skipImmediate, data: startupSetting.data }, appId));
			}
		}
		this.arm();
		return started.length ? started : undefined;
	}

	async scheduleOnce({ id, when, data }, appId) {
		return this.save({ _id: randomId(), name: id, appId, data: data || {}, nextRunAt: parseWhen(when) });
	}

	/** Like Agenda's every(): one recurring job per processor id, replaced when scheduled again. */
	async scheduleRecurring({ id, interval, skipImmediate = false, data }, appId) {
		const every = parseInterval(interval);
		const existing = [...this.jobs.values()].find((j) => j.name === id && j.interval);
		return this.save({ _id: existing?._id || randomId(), name: id, appId, data: data || {}, interval: every, nextRunAt: Date.now() + (skipImmediate ? every : 0) });
	}

	/** Rocket.Chat cancels by processor id (the job name), not by job id. */
	async cancelJob(jobId) {
		for (const job of [...this.jobs.values()]) if (job.name === jobId || job._id === jobId) await this.drop(job);
	}

	async cancelAllJobs(appId) {
		for (const job of [...this.jobs.values()]) if (job.appId === appId || job.name.endsWith(`_${appId}`)) await this.drop(job);
	}

	async save(job) {
		this.jobs.set(job._id, job);
		await this.store.put('jobs', job._id, job);
		this.arm();
		return job._id;
	}

	async drop(job) {
		this.jobs.delete(job._id);
		await this.store.del('jobs', job._id);
	}

	/** Sets one timer for the earliest due job that has a processor. */
	arm() {
		clearTimeout(this.timer);
		if (this.stopped) return;
		let next = Infinity;
		for (const job of this.jobs.values()) if (this.processors.has(job.name) && !this.running.has(job._id)) next = Math.min(next, job.nextRunAt);
		if (next === Infinity) return;
		this.timer = setTimeout(() => this.runDue(), Math.max(0, Math.min(next - Date.now(), 2 ** 31 - 1)));
		this.timer.unref?.();
	}

	async runDue() {
		const now = Date.now();
		const due = [...this.jobs.values()].filter((j) => j.nextRunAt <= now && this.processors.has(j.name) && !this.running.has(j._id));
		await Promise.all(due.map((job) => this.run(job)));
		this.arm();
	}

	async run(job) {
		this.running.add(job._id);
		try {
			if (job.interval) await this.save({ ...job, nextRunAt: Date.now() + job.interval, lastRunAt: Date.now() });
			else await this.drop(job);
			await this.processors.get(job.name)?.({ ...job.data, jobId: job._id });
		} catch (e) {
			this.log(`[host] scheduled job ${job.name} failed: ${/** @type {any} */ (e)?.message || e}`);
		} finally {
			this.running.delete(job._id);
		}
	}
}
