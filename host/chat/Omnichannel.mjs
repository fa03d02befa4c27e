// @ts-check
// The Omnichannel operations shared by the REST routes and the bridges, each
// doing what Rocket.Chat does, including the app events it fires:
// a new message fires IPostMessageSent (system messages also
// IPostSystemMessageSent), a new room IPostLivechatRoomStarted, a close
// IPostLivechatRoomClosed. Post-events are not awaited, as in Rocket.Chat.
import { messageToApp, roomToApp } from './convert.mjs';

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
		/** Host-only fault injection: how long app events wait before they reach the app (`.../event-delay`). */
		this.eventDelayMs = 0;
	}

	/** Departments from the config, by id or name. */
	department(idOrName) {
		return (this.deps.config.departments || []).find((d) => d._id === idOrName || d.name === idOrName);
	}

	customField(id) {
		return (this.deps.config.customFields || []).find((f) => f._id === id);
	}

	/** Fires an app event without waiting for it (its data made at once); failures are logged. */
	fire(event, data) {
		if (!this.manager) return;
		const delayMs = this.eventDelayMs;
		const p = Promise.resolve(data())
			.then(async (data) => (delayMs > 0 ? new Promise((r) => setTimeout(() => r(data), delayMs)) : data))
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
		await this.deps.rooms.patch(room._id, (r) => {
			r.msgs = (r.msgs || 0) + 1;
			r.lm = msg.ts;
			if (!msg.t) r.lastMessage = msg;
			if (msg.u && r.servedBy && msg.u._id === r.servedBy._id) r.waitingResponse = false;
		});
		if (msg.t) this.fire('IPostSystemMessageSent', () => this.appMessage(msg));
		this.fire('IPostMessageSent', () => this.appMessage(msg));
		return msg;
	}

	/** A livechat server setting (Rocket.Chat's default unless the host config sets it). */
	setting(id) {
		return this.deps.config.serverSettings?.[id];
	}

	/** Available agents (of that department, when it lists its agents). */
	async availableAgents(departmentId) {
		const department = departmentId ? this.department(departmentId) : undefined;
		const agents = (await this.deps.users.agents()).filter((u) => u.active !== false && u.statusLivechat === 'available');
		return department && Array.isArray(department.agents) ? agents.filter((u) => department.agents.includes(u.username)) : agents;
	}

	/**
	 * Who serves a new room of that department: the admin while available, as the
	 * host always did; otherwise Rocket.Chat's Auto Selection, the agent with the
	 * fewest open rooms. Undefined when nobody is available.
	 */
	async routeTo(departmentId) {
		const agents = await this.availableAgents(departmentId);
		const admin = agents.find((u) => u._id === this.deps.users.adminId);
		if (admin || agents.length < 2) return admin || agents[0];
		const open = await this.deps.rooms.open();
		const load = (u) => open.filter((r) => r.servedBy?._id === u._id).length;
		return agents.sort((a, b) => load(a) - load(b))[0];
	}

	/**
	 * The department a new room goes to: the one asked for while it has an available agent,
	 * else its fallback, followed as far as it goes; undefined when none has one.
	 * Rocket.Chat: apps/meteor/app/livechat/server/lib/QueueManager.ts getDepartment (7.x/8.x).
	 */
	async onlineDepartment(departmentId, seen = new Set()) {
		if (!departmentId || seen.has(departmentId)) return undefined;
		seen.add(departmentId);
		if ((await this.availableAgents(departmentId)).length) return departmentId;
		return this.onlineDepartment(this.department(departmentId)?.fallbackForwardDepartment, seen);
	}

	/**
	 * Opens a livechat room for a visitor, as the apps bridge's createRoom and a visitor's
	 * message to a closed room both do. Nothing looks for a room the visitor already has
	 * open. Without an available agent it is refused (`no-agent-online`) unless
	 * `Livechat_accept_chats_with_no_agents` is on; then it waits in the queue.
	 * Rocket.Chat: apps/meteor/app/livechat/server/lib/rooms.ts createRoom and QueueManager.ts requestRoom (7.x/8.x).
	 * @param {{ guest: any, agent?: any, rid?: string, source?: any, customFields?: any }} params
	 */
	async createRoom({ guest, agent, rid, source, customFields }) {
		if (!guest?._id || !guest.username) throw new Error('Match error: the visitor needs an _id and a username');
		const chosen = agent && agent.statusLivechat === 'available' ? agent : undefined;
		const department = guest.department ? await this.onlineDepartment(guest.department) : undefined;
		if (!this.setting('Livechat_accept_chats_with_no_agents')) {
			const noAgent = new Error('no-agent-online: Sorry, no online agents');
			if (agent && !chosen) throw noAgent;
			if (!chosen && guest.department && !department) throw noAgent;
			if (!agent && !guest.department && !(await this.availableAgents()).length) throw noAgent;
		}
		const departmentId = department || guest.department;
		// Auto Selection routes at once; a room nobody can take stays queued.
		const servedBy = chosen || (await this.routeTo(departmentId));
		const room = await this.deps.rooms.createLivechat({ rid, visitor: guest, agent: servedBy, departmentId, source, customFields });
		this.fire('IPostLivechatRoomStarted', () => this.appRoom(room));
		return room;
	}

	/** Queued rooms an agent who just became available can take, oldest first (Rocket.Chat's queue worker). */
	async routeQueued() {
		for (const room of await this.deps.rooms.queued()) {
			const agent = await this.routeTo(room.departmentId);
			if (agent) await this.deps.rooms.assign(room, agent);
		}
	}

	/**
	 * A visitor's message: into its room while that is open; a room that is closed (or
	 * missing) makes a new room first, with nothing to say so but the new room id.
	 * Rocket.Chat: apps/meteor/app/livechat/server/lib/rooms.ts getRoom via messages.ts sendMessage (7.x/8.x).
	 * @param {{ guest: any, rid: string, fields: any, source?: any }} params
	 */
	async sendLivechatMessage({ guest, rid, fields, source }) {
		let room = await this.deps.rooms.byId(rid);
		if (!room?.open) {
			room = await this.createRoom({ guest, source });
		} else if (room.v?.token !== guest.token) {
			throw new Error('cannot-access-room');
		}
		const u = { _id: guest._id, username: guest.username, ...(guest.name && { name: guest.name }) };
		return this.sendMessage({ ...fields, rid: room._id, u, token: guest.token, ...(guest.name && { alias: guest.name }) });
	}

	/**
	 * Closes a room as the caller's copy of it says: a copy that still says open for a room
	 * closed meanwhile fails on its inquiry, and an empty comment fails while comments are
	 * required. Posts the `livechat-close` system message, then fires IPostLivechatRoomClosed.
	 * Rocket.Chat: apps/meteor/app/livechat/server/lib/closeRoom.ts closeRoom/doCloseRoom (7.x/8.x).
	 * @param {any} room @param {{ user?: any, visitor?: any, comment?: string }} by
	 */
	async closeRoom(room, { user, visitor, comment }) {
		if (!room || room.t !== 'l' || !room.open) throw new Error('error-room-closed');
		if (this.setting('Livechat_request_comment_when_closing_conversation') && !comment?.trim()) {
			throw new Error('error-comment-is-required');
		}
		if (!user && !visitor) throw new Error('Error: Please provide details of the user or visitor who closed the room');
		const closer = user ? 'user' : 'visitor';
		const by = user ? { _id: user._id, username: user.username } : { _id: visitor._id, username: visitor.username };
		const closed = await this.deps.rooms.markClosed(room, { closer, closedBy: by, comment });
		await this.sendMessage({ rid: room._id, t: 'livechat-close', msg: comment || '', u: by, groupable: false, ...(!user && { token: visitor.token }) });
		this.fire('IPostLivechatRoomClosed', () => this.appRoom(closed));
		return closed;
	}
}
