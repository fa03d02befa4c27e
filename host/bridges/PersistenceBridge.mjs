// @ts-check
// App persistence with associations, as Rocket.Chat's (a Mongo collection of
// {appId, data, associations}). Records are found through an index keyed by
// association, so a lookup costs the number of records sharing the first
// association, never the number of records.
import { randomId } from '../chat/ids.mjs';
import { bridges } from './engine.mjs';

const assocKey = (a) => `${a.model}:${a.id}`;
/** Record ids sort by creation time, so "the first match" is the oldest, like Mongo's natural order. */
let seq = 0;
const recordId = () => `${Date.now().toString(36).padStart(9, '0')}${(seq++ % 1296).toString(36).padStart(2, '0')}${randomId(8)}`;

export class HostPersistenceBridge extends bridges.PersistenceBridge {
	/** @param {{ store: import('../store.mjs').Store }} ctx */
	constructor({ store }) {
		super();
		this.store = store;
	}

	async purge(appId) {
		const records = await this.store.entries('persistence', `${appId}!`);
		const index = await this.store.entries('persistenceIndex', `${appId}!`);
		await this.store.batch([
			...records.map(([key]) => ({ type: 'del', collection: 'persistence', key })),
			...index.map(([key]) => ({ type: 'del', collection: 'persistenceIndex', key })),
		]);
	}

	async create(data, appId) {
		return this.write(appId, recordId(), data, []);
	}

	async createWithAssociations(data, associations, appId) {
		return this.write(appId, recordId(), data, associations);
	}

	async write(appId, id, data, associations, previous) {
		if (typeof data !== 'object') throw new Error('Attempted to store an invalid data type, it must be an object.');
		const ops = [];
		for (const a of previous?.associations || []) ops.push({ type: 'del', collection: 'persistenceIndex', key: `${appId}!${assocKey(a)}!${id}` });
		for (const a of associations) ops.push({ type: 'put', collection: 'persistenceIndex', key: `${appId}!${assocKey(a)}!${id}`, value: '' });
		ops.push({ type: 'put', collection: 'persistence', key: `${appId}!${id}`, value: { data, associations: associations.map(({ model, id }) => ({ model, id })) } });
		await this.store.batch(ops);
		return id;
	}

	async readById(id, appId) {
		return (await this.store.get('persistence', `${appId}!${id}`))?.data;
	}

	/** Ids and records having ALL the given associations (Mongo `$all`). */
	async find(associations, appId) {
		if (!associations.length) return [];
		const [first, ...rest] = associations;
		const prefix = `${appId}!${assocKey(first)}!`;
		const ids = (await this.store.entries('persistenceIndex', prefix)).map(([key]) => key.slice(prefix.length));
		const wanted = rest.map(assocKey);
		const found = [];
		for (const id of ids) {
			const record = await this.store.get('persistence', `${appId}!${id}`);
			if (!record) continue;
			const has = new Set(record.associations.map(assocKey));
			if (wanted.every((k) => has.has(k))) found.push({ id, record });
		}
		return found;
	}

	async readByAssociations(associations, appId) {
		return (await this.find(associations, appId)).map(({ record }) => record.data);
	}

	async remove(id, appId) {
		const record = await this.store.get('persistence', `${appId}!${id}`);
		if (!record) return undefined;
		await this.drop(appId, [{ id, record }]);
		return record.data;
	}

	/**
	 * Rocket.Chat 7/8 read every match, then `remove(query)`, which the
	 * AppsPersistence model runs as `deleteMany` (bypassing the trash): every
	 * record having ALL the given associations goes, and their data is returned;
	 * no match → undefined. (6.x ran `deleteOne`: only the first match went.)
	 */
	// Rocket.Chat: apps/meteor/app/apps/server/bridges/persistence.ts removeByAssociations + packages/models/src/models/AppsPersistence.ts remove (7.x/8.x)
	async removeByAssociations(associations, appId) {
		const found = await this.find(associations, appId);
		if (!found.length) return undefined;
		await this.drop(appId, found);
		return found.map(({ record }) => record.data);
	}

	async drop(appId, found) {
		const ops = [];
		for (const { id, record } of found) {
			ops.push({ type: 'del', collection: 'persistence', key: `${appId}!${id}` });
			for (const a of record.associations) ops.push({ type: 'del', collection: 'persistenceIndex', key: `${appId}!${assocKey(a)}!${id}` });
		}
		await this.store.batch(ops);
	}

	/** Rocket.Chat's bridge throws here too: update by id is not implemented there. */
	async update(id, data, upsert, appId) {
		throw new Error('Not implemented.');
	}

	/**
	 * Rocket.Chat's query is `{appId, associations}`: Mongo array EQUALITY, so
	 * only a record whose association list is exactly this one (same records,
	 * same order) is updated. A record created with more associations is NOT
	 * matched: with upsert (the default) a second record is inserted instead.
	 * Only `data` is replaced.
	 */
	async updateByAssociations(associations, data, upsert, appId) {
		if (typeof data !== 'object') throw new Error('Attempted to store an invalid data type, it must be an object.');
		const wanted = associations.map(assocKey).join('|');
		const same = (await this.find(associations, appId)).find(({ record }) => record.associations.map(assocKey).join('|') === wanted);
		if (!same && !upsert) return undefined;
		const id = same?.id || recordId();
		return this.write(appId, id, data, associations, same?.record);
	}
}
