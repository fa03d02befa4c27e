// @ts-check
// Livechat as Rocket.Chat's apps bridge does it
// (Rocket.Chat: apps/meteor/app/apps/server/bridges/livechat.ts, 7.x/8.x): visitors
// registered by registerGuest (token, then phone, then email), rooms opened with
// no check for one already open, messages to a closed room opening a new one,
// closes that trust the app's copy of the room; departments and custom fields
// from the host config.
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

	/**
	 * A livechat message: from the visitor when `visitor` is set (into the room it names, or a
	 * new room when that one is closed), else from its sender (an agent or the app user).
	 */
	async createMessage(message, appId) {
		if (message.visitor) {
			if (!message.token && !message.visitor.token) throw new Error('Invalid token for livechat message');
			const guest = visitorFromApp(message.visitor);
			const msg = await this.omni.sendLivechatMessage({ guest, rid: message.room?.id, fields: messageFields(message, {}), source: { type: 'app', id: appId } });
			return msg._id;
		}
		const rid = message.room?.id;
		const room = await this.o.rooms.byId(rid);
		if (!room) throw new Error('error-invalid-room');
		const sender = (message.sender?.id && (await this.o.users.byId(message.sender.id))) || (await this.o.users.appUser(appId));
		const u = { _id: sender._id, username: sender.username, name: sender.name };
		const msg = await this.omni.sendMessage(messageFields(message, { rid, u }));
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

	// Rocket.Chat: the bridge's createVisitor → registerGuest, with the first phone and email only.
	async register(visitor) {
		return this.o.visitors.register({
			id: visitor.id,
			token: visitor.token,
			username: visitor.username,
			name: visitor.name,
			department: visitor.department,
			phone: visitor.phone?.[0]?.phoneNumber,
			email: visitor.visitorEmails?.[0]?.address,
		}, (idOrName) => this.omni.department(idOrName));
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
		return visitorToApp(await this.o.visitors.byEmail(email));
	}

	async findVisitorByPhoneNumber(phone) {
		return visitorToApp(await this.o.visitors.byPhone(phone));
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

	/** The visitor is taken as the app gives it (Rocket.Chat converts it; it does not read it again). */
	async createRoom(visitor, agent, appId, extraParams = {}) {
		let agentUser;
		if (agent?.id) {
			agentUser = await this.o.users.byId(agent.id);
			if (!agentUser) throw new Error(`The agent with id "${agent.id}" was not found.`);
		}
		const { source } = extraParams;
		const room = await this.omni.createRoom({
			guest: visitorFromApp(visitor),
			agent: agentUser,
			source: { type: 'app', id: appId, ...(source?.type === 'app' && { label: source.label, sidebarIcon: source.sidebarIcon, defaultIcon: source.defaultIcon }) },
			customFields: extraParams.customFields,
		});
		return this.omni.appRoom(room);
	}

	/** Closes the room as the app's copy says it is; the closer is the visitor when no user is given. */
	async closeRoom(room, comment, closer) {
		const raw = await this.o.rooms.byId(room?.id);
		const copy = raw && { ...raw, open: !!room.isOpen };
		const user = closer?.id ? await this.o.users.byId(closer.id) : undefined;
		const visitor = room?.visitor && visitorFromApp(room.visitor);
		await this.omni.closeRoom(copy, { user, visitor, comment });
		return true;
	}

	async countOpenRoomsByAgentId(agentId) {
		return (await this.findOpenRoomsByAgentId(agentId)).length;
	}

	async findOpenRoomsByAgentId(agentId) {
		const rooms = (await this.o.rooms.open()).filter((r) => r.servedBy?._id === agentId);
		return Promise.all(rooms.map((r) => this.omni.appRoom(r)));
	}

	/** The open rooms of the visitor's token, optionally of one department (Rocket.Chat: findOpenByVisitorToken). */
	async findRooms(visitor, departmentId) {
		if (!visitor) return [];
		const raw = await this.o.visitors.byToken(visitor.token);
		const rooms = raw ? (await this.o.rooms.openByVisitor(raw._id)).filter((r) => r.v.token === visitor.token) : [];
		return Promise.all(rooms.filter((r) => !departmentId || r.departmentId === departmentId).map((r) => this.omni.appRoom(r)));
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

	/**
	 * Only fields Rocket.Chat knows, with values their regexp accepts; a room-scoped field is
	 * set on the token's open room, a visitor-scoped one on the visitor. The number of
	 * records changed (0 when nothing changed or overwrite is off and a value is there).
	 * Rocket.Chat: apps/meteor/app/livechat/server/lib/custom-fields.ts setCustomFields (7.x/8.x).
	 */
	async setCustomFields({ token, key, value, overwrite }) {
		const field = this.omni.customField(key);
		if (!field) throw new Error('invalid-custom-field');
		if (field.regexp && !new RegExp(field.regexp).test(value)) throw new Error(`Invalid value for ${key} field`);
		if (field.scope === 'room') {
			const visitor = await this.o.visitors.byToken(token);
			const room = visitor && (await this.o.rooms.openByVisitor(visitor._id)).find((r) => r.v.token === token);
			if (!room) return 0;
			return this.setData(room, key, value, overwrite, (r) => this.o.rooms.patch(r._id, (stored) => { stored.livechatData = r.livechatData; }));
		}
		const visitor = await this.o.visitors.byToken(token);
		if (!visitor) return 0;
		return this.setData(visitor, key, value, overwrite, (v) => this.o.visitors.update(v));
	}

	async setData(record, key, value, overwrite, save) {
		const data = record.livechatData || {};
		if ((!overwrite && data[key] !== undefined) || data[key] === value) return 0;
		record.livechatData = { ...data, [key]: value };
		await save(record);
		return 1;
	}
}

/** The app's visitor as Rocket.Chat's visitors converter gives it back (convertAppVisitor). */
function visitorFromApp(v) {
	return {
		_id: v.id,
		token: v.token,
		username: v.username,
		name: v.name,
		department: v.department,
		phone: v.phone,
		visitorEmails: v.visitorEmails,
		livechatData: v.livechatData,
		status: v.status || 'online',
	};
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
