// @ts-check
// HOST-ONLY endpoints: Rocket.Chat has nothing like them. They exist for the
// benchmarks (bridge calls per operation); keep tests and scripts that must
// also run against a real server away from them.
import { COLLECTIONS } from '../../store.mjs';
import v8 from 'node:v8';
import vm from 'node:vm';
import { requireRole } from './session.mjs';

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
}
