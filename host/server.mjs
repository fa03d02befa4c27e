// @ts-check
// The development host: the real apps-engine server runtime (AppManager +
// Deno subprocess, apps-engine 1.62.0) with the host's bridges, behind
// Rocket.Chat's REST paths. See host/README.md.
import http from 'node:http';
import fs from 'node:fs';
import { BridgeCounters } from './counters.mjs';
import { loadConfig } from './config.mjs';
import { Store } from './store.mjs';
import { HostLogStorage } from './storage/LogStorage.mjs';
import { Users } from './chat/Users.mjs';
import { Visitors } from './chat/Visitors.mjs';
import { Rooms } from './chat/Rooms.mjs';
import { Messages } from './chat/Messages.mjs';
import { Uploads } from './chat/Uploads.mjs';
import { holdRuntimes, prepareDenoEnvironment } from './runtime.mjs';
import { Cluster } from './cluster.mjs';
import { GRACE_MS } from './instance.mjs';
import { installApp } from './apps.mjs';
import { Router } from './http/router.mjs';
import { registerSession } from './http/routes/session.mjs';
import { registerApps } from './http/routes/apps.mjs';
import { registerAppEndpoints } from './http/routes/appEndpoints.mjs';
import { registerLivechat } from './http/routes/livechat.mjs';
import { registerChat } from './http/routes/chat.mjs';
import { registerCommands } from './http/routes/commands.mjs';
import { registerHostOnly } from './http/routes/hostOnly.mjs';
import { registerHostStorage } from './http/routes/hostStorage.mjs';
import { registerSimulator } from './http/routes/simulator.mjs';
import { registerWeb } from './http/routes/web.mjs';

/**
 * Starts the host: `instances` Rocket.Chat instances (each its own AppManager and app runtimes)
 * over one store, behind one port (see cluster.mjs). One host per process.
 * @param {{ port?: number, host?: string, dataDir?: string, fresh?: boolean, configFile?: string, instances?: number,
 *   appZip?: string, adminUser?: string, adminPassword?: string, log?: (line: string) => void }} [opts]
 *   appZip: installs this zip (or updates the installed app when the zip differs).
 */
export async function startHost({
	port = 3000,
	host: hostname = '127.0.0.1',
	dataDir = '.host-data',
	fresh = false,
	configFile,
	instances = 1,
	appZip,
	adminUser = 'admin',
	adminPassword = 'admin',
	log = (line) => console.log(line),
} = {}) {
	prepareDenoEnvironment();
	const config = loadConfig(configFile);
	const store = await Store.open(dataDir, { fresh });
	const counters = new BridgeCounters();
	let url = `http://${hostname}:${port}`;

	const users = new Users(store);
	await users.init({ adminUser, adminPassword, agents: config.agents });
	const visitors = new Visitors(store);
	const rooms = new Rooms(store);
	await rooms.migrate();
	const messages = new Messages(store);
	const uploads = new Uploads(store);

	let appNames = {};
	const logStorage = new HostLogStorage({ print: log, appName: (id) => appNames[id] || id });
	const cluster = new Cluster({ store, users, visitors, rooms, messages, uploads, config, counters, logStorage, log, siteUrl: () => url }, instances);
	const [first] = cluster.instances;
	await first.start({ load: false });

	// HTTP first (bound to the port) so a taken port fails before the app loads.
	// What the routes use; manager, omni and bridges are the serving instance's.
	const ctx = {
		store, users, visitors, rooms, messages, uploads, counters, logStorage, log, cluster, url: () => url,
		get manager() { return cluster.here().manager; },
		get omni() { return cluster.here().omni; },
		get bridges() { return cluster.here().bridges; },
	};
	const router = new Router({ authenticate: (id, token) => users.authenticate(id, token), log });
	registerSession(router, ctx);
	registerAppEndpoints(router, ctx);
	registerApps(router, ctx);
	registerLivechat(router, ctx);
	registerChat(router, ctx);
	registerCommands(router, ctx);
	registerHostOnly(router, ctx);
	registerHostStorage(router, ctx);
	registerSimulator(router, ctx);
	registerWeb(router);
	const server = http.createServer((req, res) => {
		let instance;
		try {
			instance = cluster.pick(req.headers);
		} catch (e) {
			const { status = 500, message } = /** @type {any} */ (e);
			res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify({ success: false, error: message }));
			return;
		}
		cluster.run(instance, () => router.handle(req, res));
	});
	await new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, hostname, () => resolve(undefined));
	});
	const address = /** @type {import('node:net').AddressInfo} */ (server.address());
	url = `http://${hostname}:${address.port}`;

	let closed = false;
	/**
	 * Stops the host within about two seconds, keeping every answered request's work: nothing new is
	 * accepted, requests in flight get GRACE_MS to be answered, then the runtimes are killed and the
	 * store is closed. A signal to the whole process group kills the app's runtime at the same moment;
	 * holdRuntimes (first, synchronously) keeps the engine from restarting it and ends calls to it.
	 */
	const close = async () => {
		if (closed) return;
		closed = true;
		const running = cluster.instances.filter((i) => i.running);
		for (const instance of running) holdRuntimes(instance.manager);
		for (const instance of running) instance.bridges.raw.SchedulerBridge.stop();
		const serverClosed = new Promise((resolve) => server.close(() => resolve(undefined)));
		server.closeIdleConnections();
		let timer;
		const grace = new Promise((resolve) => (timer = setTimeout(resolve, GRACE_MS)));
		await Promise.race([serverClosed.then(() => Promise.all(running.map((i) => i.omni.settle()))), grace]);
		clearTimeout(timer);
		server.closeAllConnections();
		await Promise.all(running.map((i) => i.stop({ grace: 0 })));
		await store.close();
	};

	const { manager } = first;
	try {
		await first.loadApps();
		for (const app of await manager.get()) appNames[app.getID()] = app.getName();
		let appId = (await manager.get())[0]?.getID();
		if (appZip) {
			const zip = fs.readFileSync(appZip);
			const info = (await manager.getParser().unpackageApp(zip)).info;
			appNames[info.id] = info.name;
			const stored = await manager.getStorage().retrieveOne(info.id);
			const storedZip = stored && (await store.get('appSources', info.id));
			if (!storedZip || !storedZip.equals(zip)) {
				const admin = await users.admin();
				const { userToApp } = await import('./chat/convert.mjs');
				const result = await installApp(manager, logStorage, zip, { permissionsGranted: info.permissions, user: userToApp(admin) });
				if (result.error) throw new Error(`app failed to load: ${result.error}`);
			}
			appId = info.id;
			const status = await manager.getOneById(appId).getStatus();
			const { appError, lifecycleError } = await import('./apps.mjs');
			if (!/enabled/.test(status) || /disabled/.test(status)) {
				throw new Error(`app failed to load: the app is ${status}: ${lifecycleError(appId) || appError(logStorage, appId) || 'no error was logged'}`);
			}
			if (lifecycleError(appId)) throw new Error(`app failed to load: it threw in ${lifecycleError(appId)}`);
		}
		// The other instances boot once the app is installed, as servers joining a cluster do.
		for (const instance of cluster.instances.slice(1)) await instance.start();
		return {
			url, appId, close, counters, manager, store, logStorage, users, rooms, visitors, messages, cluster,
			omni: first.omni,
			bridges: first.bridges.raw,
			settle: () => Promise.all(cluster.instances.map((i) => i.omni.settle())),
		};
	} catch (e) {
		await close().catch(() => {});
		throw e;
	}
}
