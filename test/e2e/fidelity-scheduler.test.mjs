// @ts-check
// The host's scheduler against Rocket.Chat's: apps/meteor/app/apps/server/bridges/scheduler.ts
// over packages/agenda (7.x/8.x). In-process, over a fresh store, with Agenda's own
// timings (a poll every 5 s, a 10 min lock lifetime), so a few tests wait a poll or two.
import { after, afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Store } from '../../host/store.mjs';
import { HostSchedulerBridge } from '../../host/bridges/SchedulerBridge.mjs';

const APP = 'app-1';
const POLL_MS = 5000;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function until(check, what, timeoutMs = 3 * POLL_MS) {
	const deadline = Date.now() + timeoutMs;
	while (!(await check())) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await sleep(20);
	}
}

describe('scheduler bridge (Agenda, as Rocket.Chat configures it)', () => {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sched-'));
	/** @type {Store} */ let store;
	/** @type {HostSchedulerBridge[]} */ let bridges;
	/** @type {string[]} */ let logs;
	let n = 0;

	const newBridge = async () => {
		const bridge = new HostSchedulerBridge({ store, log: (line) => logs.push(line) });
		await bridge.load();
		bridges.push(bridge);
		return bridge;
	};
	const docs = async () => store.values('jobs');

	beforeEach(async () => {
		n += 1;
		store = await Store.open(path.join(dir, String(n)));
		bridges = [];
		logs = [];
	});
	afterEach(async () => {
		for (const bridge of bridges) await bridge.stop();
		await sleep(50);
		await store.close();
	});
	after(() => fs.rmSync(dir, { recursive: true, force: true }));

	it('parses recurring intervals as Agenda does: human-interval words, cron strings, skipImmediate', async () => {
		const bridge = await newBridge();
		await bridge.registerProcessors([{ id: `words_${APP}`, processor: async () => undefined }, { id: `cron_${APP}`, processor: async () => undefined }], APP);
		const before = Date.now();
		await bridge.scheduleRecurring({ id: `words_${APP}`, interval: 'five seconds', skipImmediate: true }, APP);
		await bridge.scheduleRecurring({ id: `cron_${APP}`, interval: '*/2 * * * *', skipImmediate: true }, APP);
		const words = (await docs()).find((d) => d.name === `words_${APP}`);
		assert.equal(words.type, 'single');
		assert.equal(words.repeatInterval, 'five seconds');
		assert.ok(words.nextRunAt >= before + 5000 && words.nextRunAt <= Date.now() + 5000, 'five seconds from now');
		const cron = (await docs()).find((d) => d.name === `cron_${APP}`);
		assert.equal(new Date(cron.nextRunAt).getUTCMinutes() % 2, 0, 'on an even minute');
		assert.equal(new Date(cron.nextRunAt).getUTCSeconds(), 0);
		assert.ok(cron.nextRunAt > Date.now() && cron.nextRunAt <= Date.now() + 120000);
		// Scheduling a recurring job again keeps one job per processor (Agenda's `single` upsert).
		await bridge.scheduleRecurring({ id: `words_${APP}`, interval: '10 minutes', skipImmediate: true }, APP);
		assert.equal((await docs()).filter((d) => d.name === `words_${APP}`).length, 1);
	});

	it('a recurring interval neither cron nor human-interval can read counts as 0 ms: the job runs at every poll', async () => {
		const bridge = await newBridge();
		let runs = 0;
		await bridge.registerProcessors([{ id: `bad_${APP}`, processor: async () => { runs += 1; } }], APP);
		await bridge.scheduleRecurring({ id: `bad_${APP}`, interval: 'every blue moon', skipImmediate: true }, APP);
		const [doc] = await docs();
		assert.ok(Math.abs(doc.nextRunAt - Date.now()) < 1000, 'due now, skipImmediate or not');
		await until(() => runs >= 3, 'three runs, one per poll', 4 * POLL_MS);
	});

	it('schedules a one-time job from a Date or from words ("in 5 seconds", through date.js), and runs it then with its data, jobId and no appId', async () => {
		const bridge = await newBridge();
		/** @type {any[]} */ const seen = [];
		await bridge.registerProcessors([{ id: `once_${APP}`, processor: async (ctx) => { seen.push({ ...ctx, at: Date.now() }); } }], APP);
		const start = Date.now();
		await bridge.scheduleOnce({ id: `once_${APP}`, when: 'in 2 seconds', data: { n: 1 } }, APP);
		await bridge.scheduleOnce({ id: `once_${APP}`, when: new Date(start + 500), data: { n: 2 } }, APP);
		await until(() => seen.length === 2, 'both runs');
		assert.deepEqual(seen.map((s) => s.n), [2, 1]);
		assert.ok(seen[1].at >= start + 1900, `"in 2 seconds" ran after ${seen[1].at - start} ms`);
		assert.equal('appId' in seen[0], false);
		assert.match(seen[0].jobId, /^[0-9a-f]{24}$/);
	});

	it('runs one job at a time per processor, other processors alongside', async () => {
		const bridge = await newBridge();
		const running = { a: 0, b: 0 };
		const most = { a: 0, b: 0, both: 0 };
		const done = [];
		const processor = (name) => async (ctx) => {
			running[name] += 1;
			most[name] = Math.max(most[name], running[name]);
			most.both = Math.max(most.both, running.a + running.b);
			await sleep(300);
			running[name] -= 1;
			done.push(`${name}${ctx.i}`);
		};
		await bridge.registerProcessors([{ id: `a_${APP}`, processor: processor('a') }, { id: `b_${APP}`, processor: processor('b') }], APP);
		for (let i = 0; i < 3; i++) {
			await bridge.scheduleOnce({ id: `a_${APP}`, when: new Date(), data: { i } }, APP);
			await bridge.scheduleOnce({ id: `b_${APP}`, when: new Date(), data: { i } }, APP);
		}
		await until(() => done.length === 6, 'six runs');
		assert.equal(most.a, 1);
		assert.equal(most.b, 1);
		assert.equal(most.both, 2, 'two processors run side by side');
	});

	it('removes a one-time job after a successful run; a failed one stays with failCount and failReason and is not run again', async () => {
		const bridge = await newBridge();
		let runs = 0;
		await bridge.registerProcessors([
			{ id: `ok_${APP}`, processor: async () => undefined },
			{ id: `boom_${APP}`, processor: async () => { runs += 1; throw new Error('boom'); } },
		], APP);
		await bridge.scheduleOnce({ id: `ok_${APP}`, when: new Date() }, APP);
		await bridge.scheduleOnce({ id: `boom_${APP}`, when: new Date() }, APP);
		await until(async () => (await docs()).length === 1 && runs === 1 && (await docs())[0].lockedAt === null, 'the runs to finish');
		const [failed] = await docs();
		assert.equal(failed.name, `boom_${APP}`);
		assert.equal(failed.failCount, 1);
		assert.equal(failed.failReason, 'boom');
		assert.equal(failed.nextRunAt, null);
		await sleep(POLL_MS + 500);
		assert.equal(runs, 1, 'never retried');
	});

	it('logs and swallows an error in scheduleOnce and scheduleRecurring', async () => {
		const bridge = await newBridge();
		bridge.scheduler.schedule = async () => { throw new Error('mongo is down'); };
		bridge.scheduler.every = async () => { throw new Error('mongo is down'); };
		assert.equal(await bridge.scheduleOnce({ id: `x_${APP}`, when: new Date() }, APP), undefined);
		assert.equal(await bridge.scheduleRecurring({ id: `x_${APP}`, interval: '5 seconds' }, APP), undefined);
		assert.equal(logs.filter((l) => /mongo is down/.test(l)).length, 2);
	});

	it('a job locked by an instance that died runs again once its lock is older than the lock lifetime (10 min), not before', async () => {
		const now = Date.now();
		const dead = { name: `orphan_${APP}`, type: 'normal', priority: 0, data: { appId: APP }, nextRunAt: null, lastRunAt: now - 11 * 60000 };
		await store.put('jobs', 'a'.repeat(24), { _id: 'a'.repeat(24), ...dead, lockedAt: now - 11 * 60000, data: { which: 'expired', appId: APP } });
		await store.put('jobs', 'b'.repeat(24), { _id: 'b'.repeat(24), ...dead, lockedAt: now - 60000, data: { which: 'fresh', appId: APP } });
		const bridge = await newBridge();
		const seen = [];
		await bridge.registerProcessors([{ id: `orphan_${APP}`, processor: async (ctx) => { seen.push(ctx.which); } }], APP);
		await until(() => seen.length === 1, 'the expired job to run');
		await sleep(POLL_MS + 500);
		assert.deepEqual(seen, ['expired']);
	});

	it('keeps jobs across a restart; one locked when its instance stopped waits out the lock lifetime (Rocket.Chat never unlocks on shutdown)', async () => {
		const first = await newBridge();
		await first.registerProcessors([{ id: `r_${APP}`, processor: async () => undefined }], APP);
		await sleep(100); // the first poll has run: jobs due within 5 s are locked as they are scheduled
		await first.scheduleOnce({ id: `r_${APP}`, when: new Date(Date.now() + 2000), data: { which: 'locked' } }, APP);
		await first.scheduleOnce({ id: `r_${APP}`, when: new Date(Date.now() + 8000), data: { which: 'later' } }, APP);
		await until(async () => (await docs()).some((d) => d.lockedAt), 'the near job to be locked');
		await first.stop();

		const second = await newBridge();
		const seen = [];
		await second.registerProcessors([{ id: `r_${APP}`, processor: async (ctx) => { seen.push(ctx.which); } }], APP);
		await until(() => seen.length === 1, 'the unlocked job to run', 4 * POLL_MS);
		await sleep(POLL_MS);
		assert.deepEqual(seen, ['later']);
		const [left] = await docs();
		assert.equal(left.data.which, 'locked');
		assert.ok(left.lockedAt, 'still locked');
	});

	it('two instances over one store run each due job once', async () => {
		const one = await newBridge();
		const two = await newBridge();
		const runs = [];
		const processor = (who) => async (ctx) => { runs.push(`${ctx.i}@${who}`); await sleep(50); };
		await one.registerProcessors([{ id: `shared_${APP}`, processor: processor('one') }], APP);
		await two.registerProcessors([{ id: `shared_${APP}`, processor: processor('two') }], APP);
		for (let i = 0; i < 20; i++) await one.scheduleOnce({ id: `shared_${APP}`, when: new Date(Date.now() + 1000), data: { i } }, APP);
		await until(async () => runs.length >= 20 && (await docs()).length === 0, 'every job to run');
		await sleep(POLL_MS + 500);
		const ids = runs.map((r) => r.split('@')[0]);
		assert.equal(ids.length, 20, `each once: ${runs.join(' ')}`);
		assert.equal(new Set(ids).size, 20);
	});

	it('keeps a due job until its processor is registered, and cancels by processor name and by app', async () => {
		const bridge = await newBridge();
		await bridge.scheduleOnce({ id: `later_${APP}`, when: new Date() }, APP);
		await bridge.scheduleOnce({ id: `gone_${APP}`, when: new Date(Date.now() + 60000) }, APP);
		await bridge.scheduleOnce({ id: `gone_${APP}`, when: new Date(Date.now() + 60000) }, APP);
		await bridge.scheduleOnce({ id: `other_${APP}`, when: new Date(Date.now() + 60000) }, APP);
		await bridge.scheduleOnce({ id: `mine_app-2`, when: new Date(Date.now() + 60000) }, 'app-2');
		await sleep(POLL_MS + 500);
		assert.equal((await docs()).length, 5, 'nothing ran without a processor');
		let ran = false;
		await bridge.registerProcessors([{ id: `later_${APP}`, processor: async () => { ran = true; } }], APP);
		await until(() => ran, 'the job once its processor exists');
		await bridge.cancelJob(`gone_${APP}`);
		assert.deepEqual((await docs()).map((d) => d.name).sort(), [`mine_app-2`, `other_${APP}`]);
		await bridge.cancelAllJobs(APP);
		assert.deepEqual((await docs()).map((d) => d.name), ['mine_app-2']);
	});
});
