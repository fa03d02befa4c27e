// @ts-check
// One Rocket.Chat server instance of the host's cluster (`npm start -- --instances N`):
// its own AppManager, bridges, Omnichannel (the code that fires app events),
// Agenda scheduler and Deno runtime for each app, over the data every instance
// shares (the store, standing in for MongoDB, and the chat collections on it).
// As in a Rocket.Chat cluster, an action fires its app events in the instance
// that performed it, and the app's jobs run wherever Agenda's lock puts them.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AppManager } from './bridges/engine.mjs';
import { HostBridges } from './bridges/HostBridges.mjs';
import { HostMetadataStorage } from './storage/MetadataStorage.mjs';
import { HostSourceStorage } from './storage/SourceStorage.mjs';
import { Omnichannel } from './chat/Omnichannel.mjs';
import { DENO_DIR, stopRuntimes, useHostDenoConfig } from './runtime.mjs';

/** How long a stopping instance waits for requests in flight before it cuts them. */
export const GRACE_MS = 1000;

/**
 * @typedef {{ store: any, users: any, visitors: any, rooms: any, messages: any, uploads: any, config: any,
 *   counters: import('./counters.mjs').BridgeCounters, logStorage: any, log: (line: string) => void,
 *   siteUrl: () => string, size: number, broadcast: (from: Instance, event: string, ...args: any[]) => void }} Shared
 */

/** Every running instance's AppManager (see permissionsOfAnyInstance). */
const managers = new Set();

/**
 * The engine checks an app's permissions through the static AppManager.Instance
 * (AppManager.js getPermissionsByAppId), one per process in Rocket.Chat. Here
 * every instance shares the process, so the static answers from whichever
 * running manager has the app loaded: a manager still loading (a restarting
 * instance) would otherwise deny every other instance's app its permissions.
 * Permissions come from the shared store, the same in every manager.
 */
const permissionsOfAnyInstance = {
	getPermissionsById(appId) {
		for (const manager of managers) if (manager.getOneById(appId)) return manager.getPermissionsById(appId);
		return [];
	},
};

export class Instance {
	/** @param {Shared} shared @param {number} id 1-based, as `X-Instance` names it */
	constructor(shared, id) {
		this.shared = shared;
		this.id = id;
		this.running = false;
		/** Requests this instance is answering (a stop waits GRACE_MS for them). */
		this.inFlight = 0;
		/** @type {any} */ this.manager = undefined;
		/** @type {Omnichannel} */ this.omni = /** @type {any} */ (undefined);
		/** @type {HostBridges} */ this.bridges = /** @type {any} */ (undefined);
		this.tempFilePath = '';
	}

	/**
	 * Boots the instance as a Rocket.Chat server does: a new AppManager, the scheduler started,
	 * the stored apps loaded and enabled, each in a runtime of its own.
	 * @param {{ load?: boolean }} [opts] load: false leaves loading to the caller (the first start installs first)
	 */
	async start({ load = true } = {}) {
		const { store, users, visitors, rooms, messages, uploads, config, counters, logStorage, siteUrl } = this.shared;
		this.omni = new Omnichannel({ store, users, visitors, rooms, messages, uploads, config, log: this.shared.log });
		this.bridges = new HostBridges({ store, omni: this.omni, config, log: this.shared.log, counters, siteUrl, instance: this });
		removeStaleTranspileCaches();
		this.tempFilePath = fs.mkdtempSync(path.join(os.tmpdir(), TEMP_PREFIX));
		this.metadataStorage = new HostMetadataStorage(store);
		// AppManager refuses a second instance in one process (AppManager.Instance). Each instance of a
		// cluster is its own process in Rocket.Chat; here the static is cleared for each new manager,
		// then pointed at permissionsOfAnyInstance, the one thing the engine reads it for.
		/** @type {any} */ (AppManager).Instance = undefined;
		this.manager = new AppManager({
			bridges: this.bridges,
			metadataStorage: this.metadataStorage,
			sourceStorage: new HostSourceStorage(store),
			// With several instances each one's app log lines say which it is.
			logStorage: this.shared.size > 1 ? logStorage.forInstance(this.id) : logStorage,
			tempFilePath: this.tempFilePath,
		});
		/** @type {any} */ (AppManager).Instance = permissionsOfAnyInstance;
		managers.add(this.manager);
		useHostDenoConfig(this.manager);
		this.omni.manager = this.manager;
		await this.bridges.raw.SchedulerBridge.load();
		if (load) await this.loadApps();
		// Only now does the load balancer send it requests, as a health check would.
		this.running = true;
	}

	async loadApps() {
		await this.manager.load();
		await this.manager.enableAll();
	}

	/**
	 * Stops the instance within about GRACE_MS: nothing new is routed to it, requests in flight and
	 * the events they fired get GRACE_MS, then its runtimes are killed. Its scheduler stops without unlocking (Rocket.Chat never
	 * unlocks on exit): a job it was running is taken by another instance once the lock expires.
	 * @param {{ grace?: number }} [opts] grace: 0 when the whole host stops (it gave the grace already)
	 */
	async stop({ grace = GRACE_MS } = {}) {
		if (!this.running) return;
		this.running = false;
		managers.delete(this.manager);
		await this.bridges.raw.SchedulerBridge.stop();
		const deadline = Date.now() + grace;
		// Requests in flight and the app events they fired (not awaited, as in Rocket.Chat) get the grace.
		while ((this.inFlight > 0 || this.omni.pending.size > 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
		await stopRuntimes(this.manager);
		await this.omni.settle();
		if (this.metadataStorage) this.metadataStorage.closing = true; // see HostMetadataStorage.update
		fs.rmSync(this.tempFilePath, { recursive: true, force: true });
		fs.rmSync(transpileCacheOf(this.tempFilePath), { recursive: true, force: true });
	}

	/** Runs `fn` counted as a request this instance answers. */
	async serve(fn) {
		this.inFlight++;
		try {
			return await fn();
		} finally {
			this.inFlight--;
		}
	}
}

const TEMP_PREFIX = 'rc-host-';

/**
 * Where Deno keeps what it transpiled from a temporary copy of the runtime: under
 * DENO_DIR (the repository's .deno-cache), by the copy's path. Left behind, one per
 * host start (about 0.6 MB and 60 files each), they pile up until a root
 * `rc-apps package`, which reads every file of the tree, runs out of file handles.
 */
const transpileCacheOf = (tempDir) => path.join(DENO_DIR, 'gen', 'file', path.relative(path.parse(tempDir).root, tempDir));

/** Removes the transpile caches of temporary copies that are gone (a host killed before its stop). */
function removeStaleTranspileCaches() {
	const parent = transpileCacheOf(os.tmpdir());
	if (!fs.existsSync(parent)) return;
	for (const name of fs.readdirSync(parent)) {
		if (name.startsWith(TEMP_PREFIX) && !fs.existsSync(path.join(os.tmpdir(), name))) fs.rmSync(path.join(parent, name), { recursive: true, force: true });
	}
}
