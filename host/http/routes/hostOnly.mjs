// @ts-check
// HOST-ONLY endpoints: Rocket.Chat has nothing like them. They exist for the
// benchmarks (bridge calls per operation); keep tests and scripts that must
// also run against a real server away from them.
import { COLLECTIONS } from '../../store.mjs';
import v8 from 'node:v8';
import vm from 'node:vm';
import { requireRole } from './session.mjs';
import { HttpError } from '../router.mjs';

/** @type {(() => void) | undefined} */
let gc;
/** A full garbage collection (V8's `gc`, exposed on first use rather than with a command-line flag). */
function fullGc() {
	if (!gc) {
		v8.setFlagsFromString('--expose-gc');
		gc = vm.runInNewContext('gc');
	}
	/** @type {() => void} */ (gc)();
}

export function registerHostOnly(router, host) {
	router.on('GET', /^\/api\/host\/bridge-calls\/?$/, async ({ user }) => {
		requireRole(user, 'admin');
		return { calls: host.counters.snapshot(), success: true };
	}, { auth: true });

	router.on('POST', /^\/api\/host\/bridge-calls\/reset\/?$/, async ({ user }) => {
		requireRole(user, 'admin');
		host.counters.reset();
		return { success: true };
	}, { auth: true });

	// What is stored, for soak runs: records per collection, app persistence records per app, and how
	// many of them carry each association asked for (`?association=misc:<id>`, repeatable), or one whose
	// id starts with a prefix (`?prefix=misc:<start>`). Counts are scans.
	router.on('GET', /^\/api\/host\/stats\/?$/, async ({ user, url }) => {
		requireRole(user, 'admin');
		// Counted in batches: `.all()` would hold every key of the scan at once (a soak samples this every few
		// seconds; with 100,000s of messages that alone made the host's heap look like it grew).
		const count = async (collection, prefix = '') => {
			const keys = host.store.c[collection].keys(prefix ? { gte: prefix, lt: prefix + '\xff' } : {});
			let n = 0;
			try {
				for (let batch = await keys.nextv(1000); batch.length; batch = await keys.nextv(1000)) n += batch.length;
			} finally {
				await keys.close();
			}
			return n;
		};
		const collections = {};
		for (const name of COLLECTIONS) collections[name] = await count(name);
		const apps = {};
		for (const app of await host.manager.get()) {
			const id = app.getID();
			const associations = {};
			for (const key of url.searchParams.getAll('association')) associations[key] = await count('persistenceIndex', `${id}!${key}!`);
			for (const key of url.searchParams.getAll('prefix')) associations[`${key}*`] = await count('persistenceIndex', `${id}!${key}`);
			apps[id] = { records: await count('persistence', `${id}!`), associations };
		}
		return { collections, apps, success: true };
	}, { auth: true });

	// The host process's own memory, for the soak: RSS is read from /proc by the soak, the V8 heap only from inside.
	// `?gc=1` collects garbage first, so heapUsed is what is alive (a sample taken at any moment is mostly
	// garbage not collected yet, and says little about growth).
	router.on('GET', /^\/api\/host\/memory\/?$/, async ({ user, url }) => {
		requireRole(user, 'admin');
		if (url.searchParams.get('gc') === '1') fullGc();
		const { rss, heapTotal, heapUsed, external, arrayBuffers } = process.memoryUsage();
		return { pid: process.pid, rss, heapTotal, heapUsed, external, arrayBuffers, success: true };
	}, { auth: true });

	// The cluster's instances (`npm start -- --instances N`), and a rolling restart of one: stop takes it
	// out of the rotation, gives its requests in flight a second and kills its runtimes; start boots it
	// again (a new AppManager loading the stored apps) and puts it back once its apps are enabled.
	const describe = async (i) => ({ id: i.id, running: i.running, runtimes: i.running ? await runtimePids(i.manager) : [] });
	router.on('GET', /^\/api\/host\/instances\/?$/, async ({ user }) => {
		requireRole(user, 'admin');
		return { instances: await Promise.all(host.cluster.instances.map(describe)), success: true };
	}, { auth: true });

	router.on('POST', /^\/api\/host\/instances\/(?<id>[^/]+)\/(?<action>stop|start)\/?$/, async ({ user, params }) => {
		requireRole(user, 'admin');
		const instance = host.cluster.byId(params.id);
		const { id } = instance;
		if (params.action === 'stop') {
			if (!instance.running) throw new HttpError(409, `Instance ${id} is already stopped`);
			if (host.cluster.instances.filter((i) => i.running).length === 1) throw new HttpError(409, `Instance ${id} is the only one running`);
			await instance.stop();
		} else {
			if (instance.running) throw new HttpError(409, `Instance ${id} is already running`);
			await instance.start();
		}
		return { instance: await describe(instance), success: true };
	}, { auth: true });
	// Fault injection: an instance whose app runtime runs behind. Its app events wait `?ms=` (0 to 10000)
	// before they reach the app, as on a loaded server; the order tests use it to make one runtime lag.
	router.on('POST', /^\/api\/host\/instances\/(?<id>[^/]+)\/event-delay\/?$/, async ({ user, params, url }) => {
		requireRole(user, 'admin');
		const instance = host.cluster.byId(params.id);
		const ms = Number(url.searchParams.get('ms'));
		if (!Number.isInteger(ms) || ms < 0 || ms > 10000) throw new HttpError(400, 'ms must be a whole number of milliseconds from 0 to 10000');
		if (!instance.running) throw new HttpError(409, `Instance ${instance.id} is stopped`);
		instance.omni.eventDelayMs = ms;
		return { instance: instance.id, eventDelayMs: ms, success: true };
	}, { auth: true });
}

/** The pids of an instance's app runtimes (Deno subprocesses). */
async function runtimePids(manager) {
	return (await manager.get())
		.map((app) => (app.getRuntimeController?.() ?? app.getDenoRuntime?.())?.deno?.pid) // 1.62.0, 1.53.1
		.filter(Boolean);
}
