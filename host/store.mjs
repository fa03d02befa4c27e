// @ts-check
// The host's state: one embedded LevelDB (classic-level) in DATA_DIR, split
// into named sublevels (one per collection Rocket.Chat would keep in MongoDB).
// Values are JSON unless a sublevel asks for raw bytes (uploads, app zips).
import fs from 'node:fs/promises';
import path from 'node:path';
import { ClassicLevel } from 'classic-level';

/** Every collection the host keeps; listed here so `--fresh` and readers agree. */
export const COLLECTIONS = [
	'apps', // IAppStorageItem by app id (metadata, status, settings)
	'appSources', // packaged zip bytes by app id
	'persistence', // app persistence records: `<appId>!<recordId>` → {data, associations}
	'persistenceIndex', // `<appId>!<association key>!<recordId>` → '' (no scans)
	'jobs', // scheduled jobs by job id
	'users',
	'visitors',
	'visitorsByToken', // token → visitor id (visitors are unique by token)
	'visitorsByPhone', // phone number → visitor id (registerGuest matches by phone)
	'visitorsByEmail', // lower-case email → visitor id (and by email)
	'rooms',
	'openRooms', // `<visitor id>!<room id>` → room id (Rocket.Chat lets a visitor have several open rooms)
	'openRoomByVisitor', // legacy index (one open room per visitor), moved into openRooms by Rooms.migrate()
	'inquiries', // room id → the room's inquiry (queued or taken), removed when the room closes
	'messages', // `<rid>!<ts ISO>!<id>` → raw message (room order)
	'messageKeys', // message id → messages key
	'uploads', // upload id → IUpload-like record
	'uploadBytes', // upload id → bytes
	'serverSettings',
];

export class Store {
	/** @param {string} dir */
	constructor(dir) {
		this.dir = dir;
		this.db = new ClassicLevel(dir, { valueEncoding: 'json' });
		this.db.setMaxListeners(100); // one listener per sublevel
		/** @type {Record<string, any>} */
		this.c = {};
		for (const name of COLLECTIONS) {
			const binary = name === 'appSources' || name === 'uploadBytes';
			this.c[name] = this.db.sublevel(name, { valueEncoding: binary ? 'buffer' : 'json' });
		}
	}

	/** @param {string} dir @param {{fresh?: boolean}} [opts] */
	static async open(dir, { fresh = false } = {}) {
		if (fresh) await fs.rm(dir, { recursive: true, force: true });
		await fs.mkdir(path.dirname(path.resolve(dir)), { recursive: true });
		const store = new Store(dir);
		await store.db.open();
		return store;
	}

	/** A value or undefined (level throws on a missing key). */
	async get(collection, key) {
		try {
			return await this.c[collection].get(key);
		} catch (e) {
			if (/** @type {any} */ (e).code === 'LEVEL_NOT_FOUND') return undefined;
			throw e;
		}
	}

	put(collection, key, value) {
		return this.c[collection].put(key, value);
	}

	del(collection, key) {
		return this.c[collection].del(key);
	}

	/** Key/value pairs whose key starts with prefix, in key order. */
	async entries(collection, prefix = '', { limit = -1, reverse = false } = {}) {
		const range = prefix ? { gte: prefix, lt: prefix + '\xff' } : {};
		return this.c[collection].iterator({ ...range, limit, reverse }).all();
	}

	async values(collection, prefix = '', opts = {}) {
		return (await this.entries(collection, prefix, opts)).map(([, v]) => v);
	}

	/** Several writes at once: [{type:'put'|'del', collection, key, value}] */
	batch(ops) {
		return this.db.batch(ops.map(({ collection, ...op }) => ({ ...op, sublevel: this.c[collection] })));
	}

	close() {
		return this.db.close();
	}
}
