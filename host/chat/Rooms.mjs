// @ts-check
// Livechat rooms in Rocket.Chat's raw shape ({_id, t:'l', v, servedBy, open, …}),
// with an index visitor → open room (a visitor has at most one open room).
import { randomId } from './ids.mjs';

export class Rooms {
	/** @param {import('../store.mjs').Store} store */
	constructor(store) {
		this.store = store;
	}

	byId(id) {
		return id ? this.store.get('rooms', id) : Promise.resolve(undefined);
	}

	async openByVisitor(visitorId) {
		const rid = await this.store.get('openRoomByVisitor', visitorId);
		return rid ? this.byId(rid) : undefined;
	}

	/** @param {{visitor: any, agent: any, departmentId?: string, source?: any, customFields?: any}} p */
	async createLivechat({ visitor, agent, departmentId, source, customFields }) {
		const now = new Date().toISOString();
		const room = {
			_id: randomId(),
			t: 'l',
			fname: visitor.name || visitor.username,
			msgs: 0,
			usersCount: 1,
			ts: now,
			_updatedAt: now,
			lm: now,
			open: true,
			waitingResponse: true,
			v: { _id: visitor._id, username: visitor.username, token: visitor.token, status: visitor.status || 'online' },
			servedBy: agent ? { _id: agent._id, username: agent.username, ts: now } : undefined,
			departmentId,
			source: source || { type: 'api' },
			customFields: customFields || {},
			usernames: agent ? [agent.username] : [],
		};
		await this.store.batch([
			{ type: 'put', collection: 'rooms', key: room._id, value: room },
			{ type: 'put', collection: 'openRoomByVisitor', key: visitor._id, value: room._id },
		]);
		return room;
	}

	async save(room) {
		room._updatedAt = new Date().toISOString();
		await this.store.put('rooms', room._id, room);
		return room;
	}

	async markClosed(room, { closer, closedBy, comment }) {
		const now = new Date().toISOString();
		Object.assign(room, { open: false, closedAt: now, closer, closedBy, _updatedAt: now, lastMessage: undefined });
		if (comment) room.closingMessage = comment;
		const ops = [{ type: 'put', collection: 'rooms', key: room._id, value: room }];
		if ((await this.store.get('openRoomByVisitor', room.v._id)) === room._id) {
			ops.push({ type: 'del', collection: 'openRoomByVisitor', key: room.v._id });
		}
		await this.store.batch(ops);
		return room;
	}

	async open() {
		const ids = await this.store.values('openRoomByVisitor');
		return (await Promise.all(ids.map((id) => this.byId(id)))).filter(Boolean);
	}

	/** All rooms of a visitor (open or closed): a scan of rooms, fine for a dev host. */
	async byVisitor(visitorId) {
		return (await this.store.values('rooms')).filter((r) => r.v?._id === visitorId);
	}

	async all() {
		return this.store.values('rooms');
	}
}
