// @ts-check
// Bridges with little to do on a development host: app activation and
// setting-change notices (logged), the internal bridges the engine calls
// directly, the federation key pair and the listener bridge (events a real
// server would raise from its own code paths go through Omnichannel.fire).
import crypto from 'node:crypto';
import { bridges, unsupported } from './engine.mjs';

export class HostAppActivationBridge extends bridges.AppActivationBridge {
	constructor({ log }) {
		super();
		this.log = log;
	}

	async appAdded(app) {
		this.log(`[host] app added: ${app.getName()} ${app.getVersion()} (${app.getID()})`);
	}

	async appUpdated(app) {
		this.log(`[host] app updated: ${app.getName()} ${app.getVersion()}`);
	}

	async appRemoved(app) {
		this.log(`[host] app removed: ${app.getName()}`);
	}

	async appStatusChanged(app, status) {
		this.log(`[host] app ${app.getName()} status: ${status}`);
	}

	async actionsChanged() {}
}

// Rocket.Chat: apps/meteor/app/apps/server/bridges/details.ts onAppSettingsChange (7.x/8.x) hands a saved
// setting to the notifier, which broadcasts `apps.settingUpdated` to every instance of the cluster
// (apps/meteor/ee/server/apps/communication/websockets.ts AppServerNotifier.appSettingsChange).
export class HostAppDetailChangesBridge extends bridges.AppDetailChangesBridge {
	/** @param {{ instance?: any }} [ctx] */
	constructor({ instance } = {}) {
		super();
		this.instance = instance;
	}

	onAppSettingsChange(appId, setting) {
		this.instance?.shared.broadcast(this.instance, 'apps.settingUpdated', appId, setting);
	}
}

export class HostInternalBridge {
	constructor({ omni }) {
		this.o = omni.toApp();
	}

	async doGetUsernamesOfRoomById(roomId) {
		const room = await this.o.rooms.byId(roomId);
		return room?.usernames || [];
	}

	doGetUsernamesOfRoomByIdSync() {
		throw unsupported('InternalBridge.getUsernamesOfRoomByIdSync');
	}

	async doGetWorkspacePublicKey() {
		return { id: 'Cloud_Workspace_PublicKey', value: '', packageValue: '' };
	}
}

/**
 * Rocket.Chat asks for an RSA key pair at start-up: the engine signs each
 * installed app with it and checks the signature when loading the app again.
 * So the pair is made once and kept in the store, or a restart would mark the
 * installed app `invalid_installation_disabled`.
 */
export class HostInternalFederationBridge {
	constructor({ store }) {
		this.store = store;
		this.keys = undefined;
	}

	async load() {
		if (this.keys) return this.keys;
		this.keys = await this.store.get('serverSettings', 'federationKeys');
		if (!this.keys) {
			const { publicKey, privateKey } = crypto.generateKeyPairSync('rsa', {
				modulusLength: 2048,
				publicKeyEncoding: { type: 'spki', format: 'pem' },
				privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
			});
			this.keys = { publicKey, privateKey };
			await this.store.put('serverSettings', 'federationKeys', this.keys);
		}
		return this.keys;
	}

	async getPrivateKey() {
		return (await this.load()).privateKey;
	}

	async getPublicKey() {
		return (await this.load()).publicKey;
	}
}

export class HostListenerBridge {
	constructor({ omni }) {
		this.omni = omni;
	}

	async messageEvent(int, message) {
		return this.omni.manager.getListenerManager().executeListener(int, message);
	}

	async roomEvent(int, room) {
		return this.omni.manager.getListenerManager().executeListener(int, room);
	}
}

/** The persistence bridge also serves as the engine's internal persistence bridge (purge). */

/** A bridge whose every method throws "not supported". */
export function unsupportedBridge(name) {
	return new Proxy(
		{},
		{
			get(_, prop) {
				if (prop === 'then' || typeof prop === 'symbol') return undefined;
				return () => {
					throw unsupported(`${name}.${String(prop).replace(/^do([A-Z])/, (_, c) => c.toLowerCase())}`);
				};
			},
		},
	);
}
