// @ts-check
// Livechat visitors as Rocket.Chat registers them (registerGuest): matched by
// token, else by phone (keeping that visitor's own token), else by email
// (giving that visitor the new token), else created.
import { randomId } from './ids.mjs';
import { KeyedQueue } from './KeyedQueue.mjs';

export class Visitors {
	/** @param {import('../store.mjs').Store} store */
	constructor(store) {
		this.store = store;
		// Rocket.Chat's registerGuest ends in one atomic upsert by id or token; here it is
		// reads then a write, so registrations run one at a time (a phone or an email can
		// join two tokens, so one queue for all of them, not one per token).
		this.queue = new KeyedQueue();
	}

	byId(id) {
		return id ? this.store.get('visitors', id) : Promise.resolve(undefined);
	}

	async byToken(token) {
		const id = await this.store.get('visitorsByToken', String(token));
		return id ? this.byId(id) : undefined;
	}

	// Rocket.Chat: packages/models LivechatVisitors.findOneVisitorByPhone ({'phone.phoneNumber': phone}, exact)
	async byPhone(phone) {
		const id = phone ? await this.store.get('visitorsByPhone', String(phone)) : undefined;
		const visitor = id && (await this.byId(id));
		return visitor?.phone?.some((p) => p.phoneNumber === String(phone)) ? visitor : undefined;
	}

	// Rocket.Chat: packages/models LivechatVisitors.findOneGuestByEmailAddress (whole address, case-insensitive)
	async byEmail(email) {
		const address = String(email || '').trim().toLowerCase();
		const id = address ? await this.store.get('visitorsByEmail', address) : undefined;
		const visitor = id && (await this.byId(id));
		return visitor?.visitorEmails?.some((e) => e.address.toLowerCase() === address) ? visitor : undefined;
	}

	/**
	 * Rocket.Chat: apps/meteor/app/livechat/server/lib/Visitors.ts registerGuest (7.x/8.x).
	 * @param {{ token: string, id?: string, name?: string, username?: string, email?: string, phone?: string, department?: string }} guest
	 * @param {(idOrName: string) => any} [findDepartment]
	 * @returns {Promise<any>} the raw visitor
	 */
	async register(guest, findDepartment = () => undefined) {
		if (typeof guest.token !== 'string' || !guest.token) throw new Error('Match error: Expected string (token)');
		return this.queue.run('register', () => this.registerNow(guest, findDepartment));
	}

	async registerNow({ token, id, name, username, email, phone, department }, findDepartment) {
		const update = { token, status: 'online', ...(phone && { phone: [{ phoneNumber: phone }] }), ...(name && { name }) };
		if (email) {
			const address = email.trim().toLowerCase();
			if (!EMAIL.test(address)) throw new Error(`error-invalid-email: Invalid email ${address}`);
			update.visitorEmails = [{ address }];
		}
		const byToken = await this.byToken(token);
		if (department && byToken?.department !== department) {
			const dep = findDepartment(department);
			if (!dep) throw new Error('error-invalid-department: The provided department is invalid');
			update.department = dep._id;
		}
		let existing;
		if (byToken) {
			existing = byToken;
		} else if (phone && (existing = await this.byPhone(phone))) {
			update.token = existing.token; // matched by phone: the visitor keeps its own token
		} else if (email && (existing = await this.byEmail(email))) {
			// matched by email: the visitor is given the new token
		}
		const now = new Date().toISOString();
		const visitor = existing
			? { ...existing, ...update, _updatedAt: now }
			: { _id: id || randomId(), username: username || `guest-${await this.nextNumber()}`, ts: now, ...update, _updatedAt: now };
		await this.save(visitor, existing);
		return visitor;
	}

	/**
	 * Writes the visitor and its token, phone and email indexes. A token it no longer has is
	 * dropped; a phone or email entry is checked against the visitor when read instead (two
	 * visitors may share one, and the entry may name the other).
	 */
	async save(visitor, before = undefined) {
		const ops = [{ type: 'put', collection: 'visitors', key: visitor._id, value: visitor }];
		if (before?.token && before.token !== visitor.token) ops.push({ type: 'del', collection: 'visitorsByToken', key: before.token });
		ops.push({ type: 'put', collection: 'visitorsByToken', key: visitor.token, value: visitor._id });
		for (const p of visitor.phone || []) ops.push({ type: 'put', collection: 'visitorsByPhone', key: p.phoneNumber, value: visitor._id });
		for (const e of visitor.visitorEmails || []) ops.push({ type: 'put', collection: 'visitorsByEmail', key: e.address.toLowerCase(), value: visitor._id });
		await this.store.batch(ops);
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

// Rocket.Chat: apps/meteor/app/livechat/server/lib/Helper.ts validateEmail (a basic shape check)
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
