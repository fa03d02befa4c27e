// @ts-check
// Rocket.Chat: apps/meteor/app/apps/server/bridges/scheduler.ts AppSchedulerBridge (7.x/8.x):
// the app's jobs are Agenda jobs (`agenda/Agenda.mjs`, a copy of @rocket.chat/agenda)
// in the store's `jobs` collection, so they survive a host restart and an app
// disable/enable. As in Rocket.Chat: `defaultConcurrency: 1` (one run at a
// time per processor per instance; the engine names processors
// `<id>_<appId>`), the default 5 s poll and 10 min lock lifetime, one-time
// jobs removed after a successful run, errors logged and swallowed. The
// processor receives the job's data without `appId`, plus `jobId`.
import { bridges } from './engine.mjs';
import { Agenda } from './agenda/Agenda.mjs';

/** Rocket.Chat: scheduler.ts _callProcessor. */
function callProcessor(processor) {
	return async (job) => {
		const data = job.attrs.data || {};
		// for internal use, not the app's
		delete data.appId;
		data.jobId = String(job.attrs._id);
		await processor(data);
		// Agenda keeps a run one-time ('normal') job; Rocket.Chat removes it after a successful run only.
		if (job.attrs.type === 'normal') await job.agenda.cancel((d) => d._id === job.attrs._id);
	};
}

/** bson's ObjectId accepts 24 hex digits; Rocket.Chat cancels by name what is not one. */
const isObjectId = (id) => /^[0-9a-f]{24}$/i.test(id);

export class HostSchedulerBridge extends bridges.SchedulerBridge {
	/** @param {{ store: import('../store.mjs').Store, log: (line: string) => void, agenda?: Record<string, any> }} ctx */
	constructor({ store, log, agenda = {} }) {
		super();
		this.log = log;
		this.scheduler = new Agenda({ store, log, defaultConcurrency: 1, ...agenda });
		this.isConnected = false;
	}

	/** Host start. Rocket.Chat: apps/meteor/ee/server/apps/orchestrator.ts load starts the scheduler (8.x). */
	async load() {
		await this.startScheduler();
	}

	/**
	 * Host shutdown: no more polls or runs. Rocket.Chat never stops its Agenda,
	 * so the jobs this instance had locked stay locked, as after a Rocket.Chat
	 * restart: another start takes them once the lock lifetime has passed.
	 */
	async stop() {
		this.stopped = true;
		await this.scheduler.stop({ unlock: false });
		this.isConnected = false;
	}

	async startScheduler() {
		// A stopped instance's scheduler stays stopped: an app call still running there must not start it again.
		if (this.stopped) throw new Error('the scheduler of a stopped instance');
		if (!this.isConnected) {
			await this.scheduler.start();
			this.isConnected = true;
		}
	}

	logError(err) {
		this.log(`[host] scheduler error: ${err?.message || err}`);
	}

	async registerProcessors(processors = [], appId) {
		const runAfterRegister = [];
		for (const { id, processor, startupSetting } of processors) {
			this.scheduler.define(id, callProcessor(processor));
			if (!startupSetting) continue;
			if (startupSetting.type === 'onetime') {
				runAfterRegister.push(this.scheduleOnceAfterRegister({ id, when: startupSetting.when, data: startupSetting.data }, appId));
			} else if (startupSetting.type === 'recurring') {
				runAfterRegister.push(this.scheduleRecurring({ id, interval: startupSetting.interval, skipImmediate: startupSetting.skipImmediate, data: startupSetting.data }, appId));
			} else {
				this.logError(new Error(`Unknown startup setting type ${startupSetting.type}`));
			}
		}
		if (runAfterRegister.length) return Promise.all(runAfterRegister);
	}

	async scheduleOnce({ id, when, data }, appId) {
		try {
			await this.startScheduler();
			const job = await this.scheduler.schedule(when, id, { ...data, appId });
			return String(job.attrs._id);
		} catch (err) {
			this.logError(err);
		}
	}

	async scheduleOnceAfterRegister(job, appId) {
		const scheduled = await this.scheduler.jobs((d) => d.name === job.id && d.type === 'normal', 1);
		if (!scheduled.length) return this.scheduleOnce(job, appId);
	}

	async scheduleRecurring({ id, interval, skipImmediate = false, data }, appId) {
		try {
			await this.startScheduler();
			const job = await this.scheduler.every(interval, id, { ...data, appId }, { skipImmediate });
			return String(job.attrs._id);
		} catch (err) {
			this.logError(err);
		}
	}

	/** Rocket.Chat cancels by document id when given one, otherwise by name (the engine passes `<id>_<appId>`). */
	async cancelJob(jobId) {
		await this.startScheduler();
		const first = jobId.split('_')[0];
		const filter = isObjectId(first) ? (d) => d._id === first.toLowerCase() : (d) => d.name === jobId;
		try {
			await this.scheduler.cancel(filter);
		} catch (err) {
			this.logError(err);
		}
	}

	async cancelAllJobs(appId) {
		await this.startScheduler();
		try {
			await this.scheduler.cancel((d) => typeof d.name === 'string' && d.name.endsWith(`_${appId}`));
		} catch (err) {
			this.logError(err);
		}
	}
}
