// @ts-check
// `npm start [-- --fresh] [-- --config file] [-- --instances N]`: packages the app when its zip is
// stale, starts the host on 127.0.0.1:${PORT:-3000}, installs/enables the app
// (or keeps the installed one, updated when the zip changed) and prints what
// to give RapidPro. Env: PORT, DATA_DIR, HOST_CONFIG, ADMIN_USER, ADMIN_PASSWORD,
// HOST_NO_PACKAGE=1 (use dist/ as is), HOST_DEBUG=1 (also debug-level app logs,
// the engine's per-call lines with request bodies among them).
// SIGTERM/SIGINT (to the host, to npm, or to the whole process group as Ctrl-C
// and systemd do): stop accepting, give in-flight requests a second,
// stop the app's runtime, close the store, exit 0, all within about 2 s.
// package.json starts it as `exec node host/cli.mjs`: npm runs scripts through
// sh and forwards SIGTERM only to that sh, which died without passing it on and
// left the host running when npm alone was signalled (docker stop, CMD npm start).
import path from 'node:path';
import { packageApp } from './package-app.mjs';
import { ROOT } from './runtime.mjs';
import { startHost } from './server.mjs';

function flag(name) {
	const i = process.argv.indexOf(name);
	if (i === -1) return undefined;
	const next = process.argv[i + 1];
	return next && !next.startsWith('--') ? next : true;
}

function fail(message) {
	console.error(`host: ${message}`);
	process.exit(1);
}

const port = Number(process.env.PORT || 3000);
const dataDir = path.resolve(process.env.DATA_DIR || path.join(ROOT, '.host-data'));
const configFile = /** @type {string|undefined} */ (flag('--config')) || process.env.HOST_CONFIG;
const adminUser = process.env.ADMIN_USER || 'admin';
const adminPassword = process.env.ADMIN_PASSWORD || 'admin';
/** Rocket.Chat instances over the one store, behind the one port (host/cluster.mjs). */
const instances = flag('--instances') === undefined ? 1 : Number(flag('--instances'));
if (!Number.isInteger(instances) || instances < 1 || instances > 8) fail('--instances takes a number from 1 to 8');

let zip;
if (!process.env.HOST_NO_INSTALL) try {
	const { isStale, zipPath } = await import('./package-app.mjs');
	if (!process.env.HOST_NO_PACKAGE && isStale()) console.log('host: app sources changed, packaging (rc-apps package, ~20 s)…');
	zip = process.env.HOST_NO_PACKAGE ? zipPath() : packageApp().zip;
} catch (e) {
	fail(`packaging the app failed:\n${/** @type {any} */ (e).message}`);
}

let host;
try {
	// HOST_NO_INSTALL=1: start without installing dist/ (e.g. to test `rc-apps deploy`).
	host = await startHost({ port, dataDir, fresh: !!flag('--fresh'), configFile, instances, appZip: process.env.HOST_NO_INSTALL ? undefined : zip, adminUser, adminPassword });
} catch (e) {
	const err = /** @type {any} */ (e);
	if (err.code === 'EADDRINUSE') fail(`port ${port} is in use (set PORT to use another)`);
	if (err.code === 'LEVEL_DATABASE_NOT_OPEN' || /LOCK/.test(String(err.cause?.message || err.message))) {
		fail(`${dataDir} is in use by another host process (set DATA_DIR to use another)`);
	}
	fail(err.message || String(err));
}

console.log(`host: ready at ${host.url} (Rocket.Chat 7.10.0 REST surface, data in ${path.relative(process.cwd(), dataDir) || '.'})`);
if (instances > 1) console.log(`host: ${instances} instances behind the one port (round robin; X-Instance: k picks one)`);
console.log(host.appId ? `host: RapidPro base URL: ${host.url}/api/apps/public/${host.appId}` : 'host: no app installed yet (deploy one with rc-apps deploy)');
console.log(`host: admin log-in: ${adminUser} / ${adminPassword}`);

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT']) {
	process.on(signal, async () => {
		if (stopping) return;
		stopping = true;
		console.log(`host: ${signal}, shutting down`);
		// The store is closed in order on every path we know; this only guards against one we do not.
		setTimeout(() => {
			console.error('host: shutdown did not finish within 10 s, exiting anyway');
			process.exit(1);
		}, 10000).unref();
		try {
			await host.close();
			process.exit(0);
		} catch (e) {
			console.error(`host: shutdown failed: ${/** @type {any} */ (e)?.message || e}`);
			process.exit(1);
		}
	});
}
