// @ts-check
// Rocket.Chat: packages/agenda/src/JobProcessingQueue.ts (7.x/8.x): the locked jobs
// of one instance waiting to run, the next one (earliest nextRunAt, then priority) at the end.

export class JobProcessingQueue {
	constructor() {
		/** @type {import('./Job.mjs').Job[]} */
		this.queue = [];
	}

	get length() {
		return this.queue.length;
	}

	pop() {
		return this.queue.pop();
	}

	/** Keeps the queue ordered right to left by nextRunAt, then priority; equal jobs run in arrival order. */
	insert(job) {
		const at = job.attrs.nextRunAt;
		const index = this.queue.findIndex((element) => {
			const other = element.attrs.nextRunAt;
			if (other == null || at == null) return other === at;
			if (other < at) return true;
			return other === at && (element.attrs.priority || 0) >= (job.attrs.priority || 0);
		});
		if (index === -1) this.queue.push(job);
		else this.queue.splice(index, 0, job);
	}

	/** The next job (from the right) whose definition is below its concurrency; it stays in the queue. */
	returnNextConcurrencyFreeJob(definitions) {
		for (let next = this.queue.length - 1; next >= 0; next -= 1) {
			const def = definitions[this.queue[next].attrs.name];
			if (def && def.concurrency > def.running) return this.queue[next];
		}
		return undefined;
	}
}
