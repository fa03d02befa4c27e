// @ts-check
// Messages in Rocket.Chat's raw shape ({_id, rid, msg, ts, u, …}), kept in room
// order (key `<rid>!<ts>!<id>`) with an id → key index.
import { randomId } from './ids.mjs';

export class Messages {
	/** @param {import('../store.mjs').Store} store */
	constructor(store) {
		this.store = store;
	}

	async insert(fields) {
		const now = new Date().toISOString();
		const msg = { _id: fields._id || randomId(), ts: now, _updatedAt: now, ...fields };
		const key = `${msg.rid}!${msg.ts}!${msg._id}`;
		await this.store.batch([
			{ type: 'put', collection: 'messages', key, value: msg },
			{ type: 'put', collection: 'messageKeys', key: msg._id, value: key },
		]);
		return msg;
	}

	async byId(id) {
		const key = id && (await this.store.get('messageKeys', id));
		return key ? this.store.get('messages', key) : undefined;
	}

	async update(msg) {
		const key = await this.store.get('messageKeys', msg._id);
		if (!key) throw new Error(`Message ${msg._id} not found`);
		msg._updatedAt = new Date().toISOString();
		await this.store.put('messages', key, msg);
		return msg;
	}

	/** A room's messages, oldest first; `since` keeps those updated after it. */
	async byRoom(rid, { since, limit = -1, newestFirst = false } = {}) {
		const all = await this.store.values('messages', `${rid}!`, { reverse: newestFirst, limit: since ? -1 : limit });
		const wanted = since ? all.filter((m) => m._updatedAt > since) : all;
		return since && limit > 0 ? wanted.slice(0, limit) : wanted;
	}
}
