// @ts-check
// The development host: the real apps-engine server runtime (AppManager +
// Deno subprocess, apps-engine 1.62.0) with the host's bridges, behind
// Rocket.Chat's REST paths. See host/README.md.
import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AppManager } from './bridges/engine.mjs';
import { HostBridges } from './bridges/HostBridges.mjs';
import { BridgeCounters } from './counters.mjs';
import { loadConfig } from './config.mjs';
import { Store } from './store.mjs';
import { HostMetadataStorage } from './storage/MetadataStorage.mjs';
import { HostSourceStorage } from './storage/SourceStorage.mjs';
import { HostLogStorage } from './storage/LogStorage.mjs';
import { Users } from './chat/Users.mjs';
import { Visitors } from './chat/Visitors.mjs';
import { Rooms } from './chat/Rooms.mjs';
import { Messages } from './chat/Messages.mjs';
import { Uploads } from './chat/Uploads.mjs';
import { Omnichannel } from './chat/Omnichannel.mjs';
import { holdRuntimes, prepareDenoEnvironment, stopRuntimes, useHostDenoConfig } from './runtime.mjs';
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

/** How long a shutdown waits for requests in flight before it cuts them. */
const GRACE_MS = 1000;

/**
 * Starts the host. The AppManager is a singleton per process: one host per process.
 * @param {{ port?: number, host?: string, dataDir?: string, fresh?: boolean, configFile?: string,
 *   appZip?: string, adminUser?: string, adminPassword?: string, log?: (line: string) => void }} [opts]
 *   appZip: installs this zip (or updates the installed app when the zip differs).
 */
export async function startHost({
	port = 3000,
	host: hostname = '127.0.0.1',
	dataDir = '.host-data',
	fresh = false,
	configFile,
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
	const omni = new Omnichannel({ store, users, visitors, rooms, messages, uploads, config, log });

	const bridges = new HostBridges({ store, omni, config, log, counters, siteUrl: () => url });
	let appNames = {};
	const logStorage = new HostLogStorage({ print: log, appName: (id) => appNames[id] || id });
	const tempFilePath = fs.mkdtempSync(path.join(os.tmpdir(), 'rc-host-'));

	// AppManager refuses a second instance in one process; clear a closed one's.
	if (/** @type {any} */ (AppManager).Instance?.__hostClosed) /** @type {any} */ (AppManager).Instance = undefined;
	const metadataStorage = new HostMetadataStorage(store);
	const manager = new AppManager({
		bridges,
		metadataStorage,
		sourceStorage: new HostSourceStorage(store),
		logStorage,
		tempFilePath,
	});
	useHostDenoConfig(manager);
	omni.manager = manager;
	await bridges.raw.SchedulerBridge.load();

	// HTTP first (bound to the port) so a taken port fails before the app loads.
	const ctx = { manager, store, omni, users, visitors, rooms, messages, uploads, bridges, counters, logStorage, log, url: () => url };
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
	const server = http.createServer((req, res) => router.handle(req, res));
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
		holdRuntimes(manager);
		bridges.raw.SchedulerBridge.stop();
		const serverClosed = new Promise((resolve) => server.close(() => resolve(undefined)));
		server.closeIdleConnections();
		let timer;
		const grace = new Promise((resolve) => (timer = setTimeout(resolve, GRACE_MS)));
		await Promise.race([serverClosed.then(() => omni.settle()), grace]);
		clearTimeout(timer);
		server.closeAllConnections();
		await stopRuntimes(manager);
		await omni.settle();
		metadataStorage.closing = true; // see HostMetadataStorage.update: nothing the shutdown does is stored
		/** @type {any} */ (manager).__hostClosed = true;
		await store.close();
		fs.rmSync(tempFilePath, { recursive: true, force: true });
	};

	try {
		await manager.load();
		for (const app of await manager.get()) appNames[app.getID()] = app.getName();
		await manager.enableAll();
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
		return { url, appId, close, counters, manager, store, omni, bridges: bridges.raw, logStorage, users, rooms, visitors, messages, settle: () => omni.settle() };
	} catch (e) {
		await close().catch(() => {});
		throw e;
	}
}
