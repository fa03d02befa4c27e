// @ts-check
// The host's instances behind its one port, as a load balancer spreads
// requests over a Rocket.Chat cluster: round robin over the running
// instances, or the one a request names in `X-Instance: k` (host-only, for
// tests). The cluster also carries Rocket.Chat's broadcast events between
// instances (Rocket.Chat: `api.broadcast`, delivered to every instance).
import { AsyncLocalStorage } from 'node:async_hooks';
import { Instance } from './instance.mjs';
import { HttpError } from './http/router.mjs';

export const INSTANCE_HEADER = 'x-instance';

export class Cluster {
	/**
	 * @param {Omit<import('./instance.mjs').Shared, 'broadcast' | 'size'>} shared
	 * @param {number} size
	 */
	constructor(shared, size) {
		/** @type {import('./instance.mjs').Shared} */
		this.shared = { ...shared, size, broadcast: (from, event, ...args) => this.broadcast(from, event, ...args) };
		this.instances = Array.from({ length: size }, (_, i) => new Instance(this.shared, i + 1));
		this.next = 0;
		/** @type {AsyncLocalStorage<Instance>} the instance serving the current request */
		this.current = new AsyncLocalStorage();
	}

	/** The instance doing the current work: the one serving this request, else the first running one. */
	here() {
		return this.current.getStore() || this.instances.find((i) => i.running) || this.instances[0];
	}

	/** @param {string | number} named 1-based, as a header or a path names it */
	byId(named) {
		const id = Number(named);
		const instance = Number.isInteger(id) ? this.instances[id - 1] : undefined;
		if (!instance) throw new HttpError(400, `No instance ${named}: the host runs instances 1 to ${this.instances.length}`);
		return instance;
	}

	/**
	 * The instance a request goes to.
	 * @param {import('node:http').IncomingHttpHeaders} headers
	 */
	pick(headers) {
		const named = headers[INSTANCE_HEADER];
		if (named !== undefined) {
			const instance = this.byId(String(named));
			if (!instance.running) throw new HttpError(503, `Instance ${instance.id} is stopped`);
			return instance;
		}
		const running = this.instances.filter((i) => i.running);
		if (!running.length) throw new HttpError(503, 'Every instance is stopped');
		return running[this.next++ % running.length];
	}

	/** Runs `fn` as work of `instance` (bridges, events and app calls resolve to it). */
	run(instance, fn) {
		return this.current.run(instance, () => instance.serve(fn));
	}

	/**
	 * Rocket.Chat's broadcast reaches every instance, the sender's own included; each handles it on
	 * its own, later (`void api.broadcast(...)`). Only what the app depends on is carried.
	 * @param {Instance} from
	 */
	broadcast(from, event, ...args) {
		for (const instance of this.instances) {
			setImmediate(() => {
				if (!instance.running) return;
				onBroadcast(instance, event, ...args).catch((e) => this.shared.log(`[host] instance ${instance.id}: "${event}" from instance ${from.id} failed: ${e?.message || e}`));
			});
		}
	}
}

/**
 * Rocket.Chat: apps/meteor/server/services/apps-engine/service.ts `apps.settingUpdated` (7.x/8.x):
 * a setting whose value this instance already has is left alone (the check that ends the echo of
 * the update below), any other is saved through the local settings manager, which calls the app's
 * onSettingUpdated in this instance's runtime.
 * @param {Instance} instance
 */
async function onBroadcast(instance, event, appId, setting) {
	if (event !== 'apps.settingUpdated') return;
	const app = instance.manager.getOneById(appId);
	if (!app) return;
	const old = app.getStorageItem().settings[setting.id]?.value;
	if (JSON.stringify(old) === JSON.stringify(setting.value)) return;
	await instance.manager.getSettingsManager().updateAppSetting(appId, setting);
}
