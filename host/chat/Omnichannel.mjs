// @ts-check
// The Omnichannel operations shared by the REST routes and the bridges, each
// doing what Rocket.Chat does, including the app events it fires:
// a new message fires IPostMessageSent (system messages also
// IPostSystemMessageSent), a new room IPostLivechatRoomStarted, a close
// IPostLivechatRoomClosed. Post-events are not awaited, as in Rocket.Chat.
import { messageToApp, roomToApp } from './convert.mjs';
import { KeyedQueue } from './KeyedQueue.mjs';

export class Omnichannel {
	/**
	 * @param {{ store: import('../store.mjs').Store, users: import('./Users.mjs').Users, visitors: import('./Visitors.mjs').Visitors,
	 *   rooms: import('./Rooms.mjs').Rooms, messages: import('./Messages.mjs').Messages, uploads: import('./Uploads.mjs').Uploads,
	 *   config: any, log: (line: string) => void }} deps
	 */
	constructor(deps) {
		Object.assign(this, deps);
		this.deps = deps;
		/** @type {any} set once the AppManager exists */
		this.manager = undefined;
		/** @type {Set<Promise<any>>} events still running (tests and shutdown wait on them) */
		this.pending = new Set();
		/** room creations, one at a time per visitor id */
		this.creating = new KeyedQueue();
	}

	/** Departments from the config, by id or name. */
	department(idOrName) {
		return (this.deps.config.departments || []).find((d) => d._id === idOrName || d.name === idOrName);
	}

	customField(id) {
		return (this.deps.config.customFields || []).find((f) => f._id === id);
	}

	/** Fires an app event without waiting for it; failures are logged. */
	fire(event, dataPromise) {
		if (!this.manager) return;
		const p = Promise.resolve(dataPromise)
			.then((data) => this.manager.getListenerManager().executeListener(event, data))
			.catch((e) => this.deps.log(`[host] ${event} failed: ${e?.stack || e}`))
			.finally(() => this.pending.delete(p));
		this.pending.add(p);
	}

	/** Resolves when every event fired so far has been handled by the app. */
	async settle() {
		while (this.pending.size) await Promise.allSettled([...this.pending]);
	}

	toApp() {
		return this.deps;
	}

	appRoom(raw) {
		return roomToApp(raw, this.deps);
	}

	appMessage(raw) {
		return messageToApp(raw, this.deps);
	}

	/** Stores a message in its room and fires the events Rocket.Chat would. */
	async sendMessage(fields) {
		const room = await this.deps.rooms.byId(fields.rid);
		if (!room) throw new Error('error-invalid-room');
		const msg = await this.deps.messages.insert(fields);
		room.msgs = (room.msgs || 0) + 1;
		room.lm = msg.ts;
		if (!msg.t) room.lastMessage = msg;
		if (msg.u && room.servedBy && msg.u._id === room.servedBy._id) room.waitingResponse = false;
		await this.deps.rooms.save(room);
		if (msg.t) this.fire('IPostSystemMessageSent', this.appMessage(msg));
		this.fire('IPostMessageSent', this.appMessage(msg));
		return msg;
	}

	/**
	 * Who serves a new room of that department: an available agent (one the
	 * department lists, when it lists any). The admin while available, as the
	 * host always did; otherwise Rocket.Chat's Auto Selection, the agent with
	 * the fewest open rooms. Undefined when nobody is available.
	 */
	async routeTo(departmentId) {
		const department = departmentId ? this.department(departmentId) : undefined;
		let agents = (await this.deps.users.agents()).filter((u) => u.active !== false && u.statusLivechat === 'available');
		if (department && Array.isArray(department.agents)) agents = agents.filter((u) => department.agents.includes(u.username));
		const admin = agents.find((u) => u._id === this.deps.users.adminId);
		if (admin || agents.length < 2) return admin || agents[0];
		const open = await this.deps.rooms.open();
		const load = (u) => open.filter((r) => r.servedBy?._id === u._id).length;
		return agents.sort((a, b) => load(a) - load(b))[0];
	}

	/**
	 * Opens a livechat room; a visitor has at most one open room. Without an
	 * agent it is routed, and refused like Rocket.Chat's queue refuses it when no
	 * agent is available (`Livechat_accept_chats_with_no_agents` off, its default).
	 */
	async createRoom(params) {
		// One at a time per visitor, so "one open room per visitor" holds when requests race:
		// the check and the insert below are separate awaits.
		return this.creating.run(params.visitor._id, () => this.createRoomNow(params));
	}

	async createRoomNow({ visitor, agent, departmentId, source, customFields }) {
		if (await this.deps.rooms.openByVisitor(visitor._id)) {
			throw new Error('error-room-already-open: the visitor already has an open room');
		}
		const servedBy = agent || (await this.routeTo(departmentId || visitor.department));
		if (!servedBy) throw new Error('no-agent-online: Sorry, no online agents');
		const room = await this.deps.rooms.createLivechat({ visitor, agent: servedBy, departmentId: departmentId || visitor.department, source, customFields });
		this.fire('IPostLivechatRoomStarted', this.appRoom(room));
		return room;
	}

	/**
	 * Closes a room: marks it closed, posts the `livechat-close` system message,
	 * fires IPostLivechatRoomClosed. Closing a closed room is an error, as in RC.
	 * @param {any} room @param {{ user?: any, visitor?: any, comment?: string }} by
	 */
	async closeRoom(room, { user, visitor, comment }) {
		if (!room || room.t !== 'l') throw new Error('error-invalid-room');
		if (!room.open) throw new Error('error-room-closed');
		const closer = user ? 'user' : 'visitor';
		const by = user ? { _id: user._id, username: user.username } : { _id: visitor._id, username: visitor.username };
		await this.deps.rooms.markClosed(room, { closer, closedBy: by, comment });
		await this.sendMessage({ rid: room._id, t: 'livechat-close', msg: comment || '', u: by, groupable: false });
		this.fire('IPostLivechatRoomClosed', this.appRoom(room));
		return room;
	}
}
