// @ts-check
// Livechat rooms in Rocket.Chat's raw shape ({_id, t:'l', v, servedBy, open, …})
// and their inquiries. Nothing limits a visitor to one open room: Rocket.Chat's
// createRoom and QueueManager.requestRoom never look for one.
import { randomId } from './ids.mjs';
import { KeyedQueue } from './KeyedQueue.mjs';

export class Rooms {
	/** @param {import('../store.mjs').Store} store */
	constructor(store) {
		this.store = store;
		// Rocket.Chat changes a room with single atomic Mongo updates ($inc, $set); here each
		// change is a read then a write, so changes to one room run one at a time (else a
		// message's counter update could write back the open copy of a room closed meanwhile).
		this.writes = new KeyedQueue();
	}

	/** Changes the stored room in place (`change` mutates it), one change per room at a time. */
	patch(rid, change) {
		return this.writes.run(rid, async () => {
			const room = await this.byId(rid);
			if (!room) return undefined;
			change(room);
			return this.save(room);
		});
	}

	byId(id) {
		return id ? this.store.get('rooms', id) : Promise.resolve(undefined);
	}

	/** The visitor's open rooms, oldest first. */
	async openByVisitor(visitorId) {
		const ids = await this.store.values('openRooms', `${visitorId}!`);
		const rooms = (await Promise.all(ids.map((id) => this.byId(id)))).filter(Boolean);
		return rooms.sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));
	}

	/**
	 * A new open room with its inquiry: taken when an agent serves it, queued when none does.
	 * Rocket.Chat: apps/meteor/app/livechat/server/lib/Helper.ts createLivechatRoom + createLivechatInquiry (7.x/8.x).
	 * @param {{rid?: string, visitor: any, agent?: any, departmentId?: string, source?: any, customFields?: any, name?: string}} p
	 */
	async createLivechat({ rid, visitor, agent, departmentId, source, customFields, name }) {
		const now = new Date().toISOString();
		const room = {
			_id: rid || randomId(),
			t: 'l',
			fname: name || visitor.name || visitor.username,
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
			livechatData: customFields || {},
			usernames: agent ? [agent.username] : [],
		};
		const inquiry = { _id: randomId(), rid: room._id, status: agent ? 'taken' : 'queued', department: departmentId, v: room.v, ts: now };
		await this.store.batch([
			{ type: 'put', collection: 'rooms', key: room._id, value: room },
			{ type: 'put', collection: 'openRooms', key: `${visitor._id}!${room._id}`, value: room._id },
			{ type: 'put', collection: 'inquiries', key: room._id, value: inquiry },
		]);
		return room;
	}

	inquiry(rid) {
		return this.store.get('inquiries', rid);
	}

	/** Rooms still waiting in the queue for an agent, oldest first. */
	async queued() {
		const inquiries = (await this.store.values('inquiries')).filter((i) => i.status === 'queued');
		inquiries.sort((a, b) => (a.ts < b.ts ? -1 : 1));
		return (await Promise.all(inquiries.map((i) => this.byId(i.rid)))).filter((r) => r?.open);
	}

	/** An agent takes a queued room. */
	assign(room, agent) {
		return this.writes.run(room._id, () => this.assignNow(room, agent));
	}

	async assignNow(given, agent) {
		const room = (await this.byId(given._id)) || given;
		const now = new Date().toISOString();
		room.servedBy = { _id: agent._id, username: agent.username, ts: now };
		room.usernames = [...new Set([...(room.usernames || []), agent.username])];
		const inquiry = await this.inquiry(room._id);
		const ops = [{ type: 'put', collection: 'rooms', key: room._id, value: { ...room, _updatedAt: now } }];
		if (inquiry) ops.push({ type: 'put', collection: 'inquiries', key: room._id, value: { ...inquiry, status: 'taken' } });
		await this.store.batch(ops);
		return room;
	}

	async save(room) {
		room._updatedAt = new Date().toISOString();
		await this.store.put('rooms', room._id, room);
		return room;
	}

	/**
	 * Closes the room and removes its inquiry in one write. Rocket.Chat removes the inquiry
	 * first and fails the close when there was none to remove: a room closed a moment ago has
	 * none, whatever the caller's copy of the room says.
	 * Rocket.Chat: apps/meteor/app/livechat/server/lib/closeRoom.ts doCloseRoom (7.x/8.x).
	 */
	markClosed(room, by) {
		return this.writes.run(room._id, () => this.markClosedNow(room, by));
	}

	async markClosedNow(room, { closer, closedBy, comment }) {
		if (!(await this.inquiry(room._id))) throw new Error('Error removing inquiry');
		const now = new Date().toISOString();
		const current = (await this.byId(room._id)) || room;
		const closed = { ...current, open: false, closedAt: now, closer, closedBy, _updatedAt: now, lastMessage: undefined };
		if (comment) closed.closingMessage = comment;
		await this.store.batch([
			{ type: 'put', collection: 'rooms', key: room._id, value: closed },
			{ type: 'del', collection: 'openRooms', key: `${current.v._id}!${room._id}` },
			{ type: 'del', collection: 'inquiries', key: room._id },
		]);
		return closed;
	}

	async open() {
		const ids = await this.store.values('openRooms');
		return (await Promise.all(ids.map((id) => this.byId(id)))).filter(Boolean);
	}

	/** All rooms of a visitor (open or closed): a scan of rooms, fine for a dev host. */
	async byVisitor(visitorId) {
		return (await this.store.values('rooms')).filter((r) => r.v?._id === visitorId);
	}

	async all() {
		return this.store.values('rooms');
	}

	/** Data from before several open rooms per visitor: its index moves to openRooms, with an inquiry per open room. */
	async migrate() {
		const legacy = await this.store.entries('openRoomByVisitor');
		if (!legacy.length) return;
		const ops = [];
		for (const [visitorId, rid] of legacy) {
			ops.push({ type: 'del', collection: 'openRoomByVisitor', key: visitorId });
			const room = await this.byId(rid);
			if (!room?.open) continue;
			ops.push({ type: 'put', collection: 'openRooms', key: `${visitorId}!${rid}`, value: rid });
			ops.push({ type: 'put', collection: 'inquiries', key: rid, value: { _id: randomId(), rid, status: room.servedBy ? 'taken' : 'queued', department: room.departmentId, v: room.v, ts: room.ts } });
		}
		await this.store.batch(ops);
	}
}
