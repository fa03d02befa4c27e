// @ts-check
// Livechat as Rocket.Chat's bridge does it: visitors unique by token, one open
// room per visitor, new rooms served by the admin agent unless an agent is
// given, departments and custom fields from the host config.
import { visitorToApp, attachmentFromApp } from '../chat/convert.mjs';
import { bridges, unsupported } from './engine.mjs';

export class HostLivechatBridge extends bridges.LivechatBridge {
	/** @param {{ omni: import('../chat/Omnichannel.mjs').Omnichannel }} ctx */
	constructor({ omni }) {
		super();
		this.omni = omni;
		this.o = omni.toApp();
	}

	isOnline() {
		return true;
	}

	/** An available agent can take a room (of that department, when given and enabled). */
	async isOnlineAsync(departmentId) {
		const dep = departmentId ? this.omni.department(departmentId) : undefined;
		if (departmentId && (!dep || dep.enabled === false)) return false;
		return !!(await this.omni.routeTo(dep?._id));
	}

	/** A livechat message: from the visitor when `visitor` is set, else from its sender (an agent or the app user). */
	async createMessage(message, appId) {
		const rid = message.room?.id;
		const room = await this.o.rooms.byId(rid);
		if (!room) throw new Error('error-invalid-room');
		let u;
		let token;
		if (message.visitor) {
			const visitor = await this.o.visitors.byToken(message.visitor.token);
			if (!visitor) throw new Error('error-invalid-visitor');
			if (room.v?._id !== visitor._id) throw new Error('error-invalid-room: the room does not belong to the visitor');
			u = { _id: visitor._id, username: visitor.username, name: visitor.name };
			token = visitor.token;
		} else {
			const sender = (message.sender?.id && (await this.o.users.byId(message.sender.id))) || (await this.o.users.appUser(appId));
			u = { _id: sender._id, username: sender.username, name: sender.name };
		}
		// Rocket.Chat would silently open a new room for a visitor writing to a closed one; the host refuses so the mistake shows.
		if (!room.open) throw new Error('error-room-closed: cannot send to a closed livechat room');
		const msg = await this.omni.sendMessage(messageFields(message, { rid, u, token }));
		return msg._id;
	}

	async getMessageById(messageId) {
		const msg = await this.o.messages.byId(messageId);
		return msg && this.omni.appMessage(msg);
	}

	async updateMessage() {
		throw unsupported('LivechatBridge.updateMessage');
	}

	/** @deprecated in the engine; returns the visitor id. */
	async createVisitor(visitor) {
		return (await this.register(visitor))._id;
	}

	async createAndReturnVisitor(visitor) {
		return visitorToApp(await this.register(visitor));
	}

	async register(visitor) {
		const dep = visitor.department ? this.omni.department(visitor.department) : undefined;
		return this.o.visitors.register({
			_id: visitor.id,
			token: visitor.token,
			username: visitor.username,
			name: visitor.name,
			department: dep ? dep._id : visitor.department,
			phone: visitor.phone?.length ? [{ phoneNumber: visitor.phone[0].phoneNumber }] : undefined,
			visitorEmails: visitor.visitorEmails?.length ? [{ address: visitor.visitorEmails[0].address }] : undefined,
			livechatData: visitor.livechatData,
		});
	}

	async findVisitors() {
		throw unsupported('LivechatBridge.findVisitors (deprecated)');
	}

	async findVisitorById(id) {
		return visitorToApp(await this.o.visitors.byId(id));
	}

	async findVisitorByToken(token) {
		return visitorToApp(await this.o.visitors.byToken(token));
	}

	async findVisitorByEmail(email) {
		return visitorToApp((await this.o.visitors.all()).find((v) => v.visitorEmails?.some((e) => e.address === email)));
	}

	async findVisitorByPhoneNumber(phone) {
		return visitorToApp((await this.o.visitors.all()).find((v) => v.phone?.some((p) => p.phoneNumber === phone)));
	}

	async resolveVisitor() {
		throw unsupported('LivechatBridge.resolveVisitor');
	}

	async transferVisitor() {
		throw unsupported('LivechatBridge.transferVisitor');
	}

	async updateVisitorExternalId() {
		throw unsupported('LivechatBridge.updateVisitorExternalId');
	}

	async createRoom(visitor, agent, appId, extraParams = {}) {
		const raw = (visitor?.token && (await this.o.visitors.byToken(visitor.token))) || (visitor?.id && (await this.o.visitors.byId(visitor.id)));
		if (!raw) throw new Error('error-invalid-visitor');
		const agentUser = agent?.id ? await this.o.users.byId(agent.id) : undefined;
		if (agent?.id && !agentUser) throw new Error('error-invalid-agent');
		const room = await this.omni.createRoom({
			visitor: raw,
			agent: agentUser,
			source: extraParams.source || { type: 'app', id: appId },
			customFields: extraParams.customFields,
		});
		return this.omni.appRoom(room);
	}

	async closeRoom(room, comment, closer) {
		const raw = await this.o.rooms.byId(room?.id);
		if (!raw || !raw.open) return false;
		const user = closer?.id ? await this.o.users.byId(closer.id) : undefined;
		const visitor = user ? undefined : await this.o.visitors.byId(raw.v._id);
		// Rocket.Chat closes as the visitor when no closer is given.
		await this.omni.closeRoom(raw, { user, visitor, comment });
		return true;
	}

	async countOpenRoomsByAgentId(agentId) {
		return (await this.findOpenRoomsByAgentId(agentId)).length;
	}

	async findOpenRoomsByAgentId(agentId) {
		const rooms = (await this.o.rooms.open()).filter((r) => r.servedBy?._id === agentId);
		return Promise.all(rooms.map((r) => this.omni.appRoom(r)));
	}

	/** That visitor's livechat rooms (open and closed), optionally of one department. */
	async findRooms(visitor, departmentId) {
		const raw = visitor?.id ? await this.o.visitors.byId(visitor.id) : await this.o.visitors.byToken(visitor?.token);
		if (!raw) return [];
		const rooms = (await this.o.rooms.byVisitor(raw._id)).filter((r) => !departmentId || r.departmentId === departmentId);
		return Promise.all(rooms.map((r) => this.omni.appRoom(r)));
	}

	async findDepartmentByIdOrName(value) {
		return departmentToApp(this.omni.department(value));
	}

	async findDepartmentsEnabledWithAgents() {
		return (this.o.config.departments || []).filter((d) => d.enabled !== false).map(departmentToApp);
	}

	async _fetchLivechatRoomMessages(appId, roomId) {
		const msgs = await this.o.messages.byRoom(roomId);
		return Promise.all(msgs.map((m) => this.omni.appMessage(m)));
	}

	/** Only fields Rocket.Chat knows (config customFields, scope visitor); unknown keys throw, as in RC. */
	async setCustomFields({ token, key, value, overwrite }) {
		const field = this.omni.customField(key);
		if (!field || (field.scope && field.scope !== 'visitor')) throw new Error(`Invalid custom field: ${key}`);
		const visitor = await this.o.visitors.byToken(token);
		if (!visitor) throw new Error('Invalid visitor token');
		visitor.livechatData = visitor.livechatData || {};
		if (!overwrite && visitor.livechatData[key] !== undefined) return 0;
		visitor.livechatData[key] = value;
		await this.o.visitors.update(visitor);
		return 1;
	}
}

function departmentToApp(d) {
	if (!d) return undefined;
	return { id: d._id, name: d.name, enabled: d.enabled !== false, showOnRegistration: true, showOnOfflineForm: true, email: d.email, description: d.description, numberOfAgents: 1, updatedAt: new Date() };
}

/** IMessage from the app → raw message fields (shared with the message bridge). */
export function messageFields(message, base) {
	const fields = { ...base, msg: message.text || '' };
	if (message.attachments?.length) fields.attachments = message.attachments.map(attachmentFromApp);
	if (message.alias) fields.alias = message.alias;
	if (message.avatarUrl) fields.avatar = message.avatarUrl;
	if (message.emoji) fields.emoji = message.emoji;
	if (message.groupable !== undefined) fields.groupable = message.groupable;
	if (message.parseUrls !== undefined) fields.parseUrls = message.parseUrls;
	if (message.customFields) fields.customFields = message.customFields;
	if (message.blocks) fields.blocks = message.blocks;
	if (message.file) fields.file = message.file;
	if (message.threadId) fields.tmid = message.threadId;
	return fields;
}
