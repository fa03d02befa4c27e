// @ts-check
// The packaged app zips, kept in the store so a restart reloads the installed
// app without the dist/ file.
import { ENGINE, require } from '../bridges/engine.mjs';

const { AppSourceStorage } = require(`${ENGINE}/server/storage/AppSourceStorage`);

export class HostSourceStorage extends AppSourceStorage {
	/** @param {import('../store.mjs').Store} store */
	constructor(store) {
		super();
		this.db = store;
	}

	async store_(item, zip) {
		await this.db.put('appSources', item.id, Buffer.from(zip));
		return `leveldb:appSources/${item.id}`;
	}

	store(item, zip) {
		return this.store_(item, zip);
	}

	update(item, zip) {
		return this.store_(item, zip);
	}

	async fetch(item) {
		const zip = await this.db.get('appSources', item.id);
		if (!zip) throw new Error(`No package stored for app ${item.id}`);
		return zip;
	}

	async remove(item) {
		await this.db.del('appSources', item.id);
	}
}
