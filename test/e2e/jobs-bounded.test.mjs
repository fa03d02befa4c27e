// @ts-check
// The reconcile and sweep jobs in the real runtime (Apps-Engine + Deno), with N and
// 10N open tickets: what one run costs the host, in bridge calls and in ticket records
// handed to the app. In-process, so a run is started directly (the processor Agenda
// would call) instead of waiting ten minutes for it, and the persistence bridge's
// answers are counted by record.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startHost } from '../../host/server.mjs';
import { appUrl, ensurePackaged, login, setAppSettings, waitFor } from './helpers/index.mjs';
import { rapidProClient } from './helpers/rapidpro-client.mjs';

const SECRET = 'JOBS23456789ABCDEFGHJKLMNPQRSTUV';
const FEW = 100;
const MANY = 1000;

describe('scheduled jobs do bounded work per run', () => {
	const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jobs-bounded-'));
	/** @type {any} */ let host;
	/** @type {ReturnType<typeof rapidProClient>} */ let rp;
	let records = 0;

	before(async () => {
		host = await startHost({ port: 0, dataDir, fresh: true, appZip: await ensurePackaged(), log: () => {} });
		// Agenda's own runs would land in the middle of a measurement: the runs here are started by hand.
		await host.bridges.SchedulerBridge.stop();
		const auth = await login(host.url);
		await setAppSettings(host.url, auth, host.appId, { app_secret: SECRET });
		rp = rapidProClient(appUrl(host.url, host.appId), SECRET);
		await waitFor(async () => (await rp.secretCheck()).status === 204, { what: 'the App Secret to apply' });
		// Every record the persistence bridge hands to the app (reads, and removes that answer what went).
		const bridge = host.bridges.PersistenceBridge;
		for (const method of ['readByAssociations', 'removeByAssociations']) {
			const real = bridge[method].bind(bridge);
			bridge[method] = async (...args) => {
				const found = await real(...args);
				records += Array.isArray(found) ? found.length : 0;
				return found;
			};
		}
	});
	after(async () => {
		await host?.close();
		fs.rmSync(dataDir, { recursive: true, force: true });
	});

	/** Opens tickets `from`…`to - 1` (16 at a time) and closes every other one, as RapidPro would. */
	const open = async (from, to) => {
		let next = from;
		await Promise.all(Array.from({ length: 16 }, async () => {
			while (next < to) {
				const i = next++;
				assert.equal((await rp.openRoom(`jobs-${i}`, String(100000 + i))).status, 200);
				if (i % 2) assert.equal((await rp.closeRoom(String(100000 + i))).status, 204);
			}
		}));
	};

	/** One run of the app's job, as Agenda starts it: its bridge calls and the records the app received. */
	const run = async (job) => {
		const definition = host.bridges.SchedulerBridge.scheduler._definitions[`${job}_${host.appId}`];
		assert.ok(definition, `the app registered ${job}`);
		await host.settle();
		host.counters.reset();
		records = 0;
		await definition.fn({ attrs: { _id: `run-${job}`, type: 'single', data: {} }, agenda: host.bridges.SchedulerBridge.scheduler });
		const calls = Object.entries(host.counters.snapshot()).filter(([name]) => name.startsWith('PersistenceBridge.') || name.startsWith('RoomBridge.'));
		return { calls: calls.reduce((sum, [, n]) => sum + n, 0), records };
	};

	it(`costs no more with ${MANY / 2} open (and as many recently closed) tickets than with ${FEW / 2}`, async () => {
		await open(0, FEW);
		// First runs: the cursors are created, and the sweep's first looks an hour back.
		await run('tickets-reconcile');
		await run('tickets-sweep');
		const few = { reconcile: await run('tickets-reconcile'), sweep: await run('tickets-sweep') };
		const since = Date.now();
		await open(FEW, MANY);
		const many = { reconcile: await run('tickets-reconcile'), sweep: await run('tickets-sweep') };
		const minutes = Math.ceil((Date.now() - since) / 60000);
		const figures = JSON.stringify({ few, many });
		// Reconcile: a batch of tickets (100) plus at most one bucket's worth, not every open ticket.
		assert.ok(many.reconcile.records <= 130, figures);
		assert.ok(many.reconcile.calls <= few.reconcile.calls, figures);
		// Sweep: none of the closed tickets still in their grace period, nor any open one.
		assert.ok(many.sweep.records <= 2, figures);
		// One slot removed for each minute begun meanwhile, the cursor written after them, and (if a
		// tenth minute began) two reads looking for tickets stored by 1.0.
		assert.ok(many.sweep.calls <= few.sweep.calls + minutes + 1 + 2, figures);
		console.log(`# per run, ${FEW / 2} → ${MANY / 2} open tickets: ${figures}`);
	});
});
