// @ts-check
// Rocket.Chat: packages/agenda/src/Job.ts (7.x/8.x, @rocket.chat/agenda 0.1.x), in the host's store.
// Times are epoch milliseconds (null when unset) where Agenda keeps Dates.
// Intervals are parsed by the libraries Agenda uses: `cron` (CronTime) first,
// then `human-interval`; `schedule(when)` strings that are no date go to `date.js`.
import cron from 'cron';
import date from 'date.js';
import humanInterval from 'human-interval';
import moment from 'moment-timezone';

const { CronTime } = cron;

export class Job {
	/**
	 * @param {import('./Agenda.mjs').Agenda} agenda
	 * @param {Record<string, any>} attrs
	 */
	constructor(agenda, attrs) {
		this.agenda = agenda;
		this.attrs = {
			_id: '',
			...attrs,
			priority: attrs.priority || 0,
			// As Agenda: a job read without nextRunAt (a one-time job whose lock expired while it ran) is due now.
			nextRunAt: attrs.nextRunAt || Date.now(),
			type: attrs.type || 'once',
		};
	}

	/** The stored document, without `_id`. */
	toJSON() {
		const { _id, unique, uniqueOpts, ...props } = this.attrs;
		return props;
	}

	/** Rocket.Chat: Job.ts computeNextRunAt: repeating jobs from their interval; others get none (null). */
	computeNextRunAt() {
		const interval = this.attrs.repeatInterval;
		const previousNextRunAt = this.attrs.nextRunAt ?? Date.now();
		this.attrs.nextRunAt = null;
		if (interval) this.computeFromInterval(interval, previousNextRunAt);
		return this;
	}

	/** Rocket.Chat: Job.ts _computeFromInterval: a cron string (CronTime) first, else human-interval or ms. */
	computeFromInterval(interval, previousNextRunAt) {
		const timezone = this.attrs.repeatTimezone;
		const lastRun = moment(this.attrs.lastRunAt ?? Date.now());
		if (timezone) lastRun.tz(timezone);
		try {
			const cronTime = new CronTime(interval);
			let nextDate = cronTime._getNextDateFrom(lastRun);
			if (nextDate.valueOf() === lastRun.valueOf() || nextDate.valueOf() <= previousNextRunAt) {
				// cron gave back the same time: look from a second later
				const later = moment(lastRun.valueOf() + 1000);
				if (timezone) later.tz(timezone);
				nextDate = cronTime._getNextDateFrom(later);
			}
			this.attrs.nextRunAt = nextDate.valueOf();
		} catch {
			try {
				const ms = (typeof interval === 'number' ? interval : humanInterval(interval)) || 0;
				this.attrs.nextRunAt = !this.attrs.lastRunAt && ms ? lastRun.valueOf() : lastRun.valueOf() + ms;
			} catch {
				//
			}
		} finally {
			if (!this.attrs.nextRunAt || Number.isNaN(this.attrs.nextRunAt)) {
				this.attrs.nextRunAt = null;
				this.fail('failed to calculate nextRunAt due to invalid repeat interval');
			}
		}
	}

	/** Rocket.Chat: Job.ts repeatEvery: skipImmediate computes the first run from now instead of running now. */
	repeatEvery(interval, { timezone, skipImmediate } = {}) {
		this.attrs.repeatInterval = interval;
		this.attrs.repeatTimezone = timezone || null;
		if (skipImmediate) {
			this.attrs.lastRunAt = this.attrs.nextRunAt ?? Date.now();
			this.computeNextRunAt();
			this.attrs.lastRunAt = undefined;
		} else {
			this.computeNextRunAt();
		}
		return this;
	}

	/** Rocket.Chat: Job.ts schedule: a Date or date string as is, anything else through date.js ("in 5 seconds"). */
	schedule(time) {
		const d = new Date(time);
		this.attrs.nextRunAt = Number.isNaN(d.getTime()) ? date(String(time)).valueOf() : d.getTime();
		return this;
	}

	/** Rocket.Chat: Job.ts fail. */
	fail(reason) {
		this.attrs.failReason = reason instanceof Error ? reason.message : reason;
		this.attrs.failCount = (this.attrs.failCount || 0) + 1;
		const now = Date.now();
		this.attrs.failedAt = now;
		this.attrs.lastFinishedAt = now;
		return this;
	}

	/**
	 * Rocket.Chat: Job.ts run. Saves lastRunAt and the next run (none for a
	 * one-time job) before calling the processor; afterwards unlocks, with
	 * failCount/failReason when it threw. A failed one-time job keeps
	 * nextRunAt null: it stays in the collection and never runs again.
	 */
	async run() {
		const definition = this.agenda.getDefinition(this.attrs.name);
		const finish = async (err) => {
			if (err) this.fail(err);
			else this.attrs.lastFinishedAt = Date.now();
			this.attrs.lockedAt = null;
			await this.save();
			if (err) this.agenda.log(`[host] scheduled job ${this.attrs.name} failed: ${err?.message || err}`);
			return this;
		};
		try {
			this.attrs.lastRunAt = Date.now();
			this.computeNextRunAt();
			await this.save();
			if (!definition) throw new Error('Undefined job');
			await definition.fn(this);
			return await finish(undefined);
		} catch (error) {
			return finish(error);
		}
	}

	save() {
		return this.agenda.saveJob(this);
	}

	remove() {
		return this.agenda.cancel({ _id: this.attrs._id });
	}
}
