// @ts-check
// Where the engine keeps each installed app's IAppStorageItem (status, info,
// settings, granted permissions). Stored in the `apps` collection so the
// installed app and its settings survive a host restart.
import { ENGINE, require } from '../bridges/engine.mjs';
import crypto from 'node:crypto';

const { AppMetadataStorage } = require(`${ENGINE}/server/storage`);

export class HostMetadataStorage extends AppMetadataStorage {
	/** @param {import('../store.mjs').Store} store */
	constructor(store) {
		super('leveldb');
		this.store = store;
	}

	async create(item) {
		const now = new Date().toISOString();
		const doc = { ...item, _id: item._id || crypto.randomUUID(), createdAt: now, updatedAt: now };
		await this.store.put('apps', item.id, doc);
		return doc;
	}

	async retrieveOne(id) {
		return (await this.store.get('apps', id)) ?? null;
	}

	async retrieveAll() {
		return new Map((await this.store.entries('apps')).map(([id, item]) => [id, item]));
	}

	async retrieveAllPrivate() {
		const all = await this.retrieveAll();
		return new Map([...all].filter(([, item]) => item.installationSource === 'private'));
	}

	async remove(id) {
		await this.store.del('apps', id);
		return { success: true };
	}

	async updatePartialAndReturnDocument(item, { unsetPermissionsGranted = false } = {}) {
		const old = (await this.store.get('apps', item.id)) || {};
		const doc = { ...old, ...item, updatedAt: new Date().toISOString() };
		if (unsetPermissionsGranted) delete doc.permissionsGranted;
		await this.store.put('apps', doc.id, doc);
		return doc;
	}

	/**
	 * apps-engine 1.53.1 (HOST_APPS_ENGINE) writes the whole item back instead
	 * of the partial updates above. It also stores the `disabled` status its
	 * unload sets, which 1.62.0 does not: while the host shuts down
	 * (`closing`) nothing is written, so the app is enabled again on restart
	 * as a Rocket.Chat server's apps are.
	 */
	async update(item) {
		if (this.closing) return item;
		const doc = { ...item, updatedAt: new Date().toISOString() };
		await this.store.put('apps', doc.id, doc);
		return doc;
	}

	/** The engine passes the storage `_id`, which is not our key: look it up. */
	async byStorageId(_id) {
		const all = await this.store.values('apps');
		return all.find((item) => item._id === _id || item.id === _id);
	}

	async patch(_id, fn) {
		const item = await this.byStorageId(_id);
		if (!item) return false;
		fn(item);
		item.updatedAt = new Date().toISOString();
		await this.store.put('apps', item.id, item);
		return true;
	}

	updateStatus(_id, status) {
		return this.patch(_id, (item) => (item.status = status));
	}

	updateSetting(_id, setting) {
		return this.patch(_id, (item) => (item.settings = { ...item.settings, [setting.id]: setting }));
	}

	updateAppInfo(_id, info) {
		return this.patch(_id, (item) => (item.info = info));
	}

	updateMarketplaceInfo(_id, marketplaceInfo) {
		return this.patch(_id, (item) => (item.marketplaceInfo = marketplaceInfo));
	}
}
