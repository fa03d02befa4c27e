// @ts-check
// Livechat visitors, unique by token (as Rocket.Chat's registerGuest does:
// registering a known token updates that visitor).
import { randomId } from './ids.mjs';
import { KeyedQueue } from './KeyedQueue.mjs';

export class Visitors {
	/** @param {import('../store.mjs').Store} store */
	constructor(store) {
		this.store = store;
		// Rocket.Chat's registerGuest is one atomic upsert by token; here it is a read
		// then a write, so concurrent registrations of one token would otherwise create
		// two visitors (and rooms that "do not belong" to the token's visitor).
		this.queue = new KeyedQueue();
	}

	byId(id) {
		return id ? this.store.get('visitors', id) : Promise.resolve(undefined);
	}

	async byToken(token) {
		const id = await this.store.get('visitorsByToken', String(token));
		return id ? this.byId(id) : undefined;
	}

	/** Create or update by token; returns the raw visitor. */
	async register(fields) {
		if (!fields.token) throw new Error('error-invalid-token');
		return this.queue.run(`token:${fields.token}`, () => this.upsert(fields));
	}

	async upsert(fields) {
		const existing = await this.byToken(fields.token);
		const now = new Date().toISOString();
		const visitor = {
			_id: existing?._id || fields._id || randomId(),
			username: existing?.username || fields.username || `guest-${await this.nextNumber()}`,
			ts: existing?.ts || now,
			status: 'online',
			livechatData: {},
			...existing,
			...dropEmpty(fields),
			token: String(fields.token),
			_updatedAt: now,
		};
		await this.store.batch([
			{ type: 'put', collection: 'visitors', key: visitor._id, value: visitor },
			{ type: 'put', collection: 'visitorsByToken', key: visitor.token, value: visitor._id },
		]);
		return visitor;
	}

	async update(visitor) {
		visitor._updatedAt = new Date().toISOString();
		await this.store.put('visitors', visitor._id, visitor);
		return visitor;
	}

	nextNumber() {
		return this.queue.run('guestCounter', async () => {
			const n = ((await this.store.get('serverSettings', 'guestCounter')) || 0) + 1;
			await this.store.put('serverSettings', 'guestCounter', n);
			return n;
		});
	}

	async all() {
		return this.store.values('visitors');
	}
}

function dropEmpty(obj) {
	return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined && v !== null && v !== ''));
}
