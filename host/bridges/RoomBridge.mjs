// @ts-check
// Rooms: reads of livechat rooms and their messages; creating other rooms is
// not something the Tickets app does.
import { bridges, unsupported } from './engine.mjs';

export class HostRoomBridge extends bridges.RoomBridge {
	/** @param {{ omni: import('../chat/Omnichannel.mjs').Omnichannel }} ctx */
	constructor({ omni }) {
		super();
		this.omni = omni;
		this.o = omni.toApp();
	}

	async getById(roomId) {
		return this.omni.appRoom(await this.o.rooms.byId(roomId));
	}

	async getByName(name) {
		const room = (await this.o.rooms.all()).find((r) => r.name === name || r.fname === name);
		return this.omni.appRoom(room);
	}

	async getCreatorById(roomId) {
		return (await this.getById(roomId))?.creator;
	}

	async getCreatorByName(name) {
		return (await this.getByName(name))?.creator;
	}

	async getMembers(roomId) {
		const room = await this.getById(roomId);
		return room?.servedBy ? [room.servedBy] : [];
	}

	/**
	 * A room's messages as IMessageRaw: no system messages (`t`), no hidden ones,
	 * thread replies unless left out, sorted by time only when asked (else the
	 * collection's order: oldest first).
	 */
	// Rocket.Chat: apps/meteor/app/apps/server/bridges/rooms.ts getMessages, converters/messages.js convertMessageRaw (7.x/8.x)
	async getMessages(roomId, options = {}) {
		const { limit, skip = 0, sort, showThreadMessages } = options;
		const msgs = await this.o.messages.byRoom(roomId, { newestFirst: sort?.createdAt === 'desc' });
		const wanted = msgs.filter((m) => !m.t && m._hidden !== true && (showThreadMessages || !m.tmid));
		return wanted.slice(skip, limit ? skip + limit : undefined).map((m) => ({
			id: m._id,
			roomId: m.rid,
			sender: { _id: m.u._id, username: m.u.username, name: m.u.name },
			text: m.msg,
			createdAt: new Date(m.ts),
			updatedAt: new Date(m._updatedAt),
			editedAt: m.editedAt ? new Date(m.editedAt) : undefined,
			threadId: m.tmid,
			attachments: m.attachments,
			file: m.file,
			token: m.token,
		}));
	}

	async getDirectByUsernames() {
		return undefined;
	}

	async getAllRooms() {
		throw unsupported('RoomBridge.getAllRooms');
	}

	async create() {
		throw unsupported('RoomBridge.create');
	}

	async update() {
		throw unsupported('RoomBridge.update');
	}

	async createDiscussion() {
		throw unsupported('RoomBridge.createDiscussion');
	}

	async delete() {
		throw unsupported('RoomBridge.delete');
	}

	async getModerators() {
		return [];
	}

	async getOwners() {
		return [];
	}

	async getLeaders() {
		return [];
	}

	async removeUsers() {
		throw unsupported('RoomBridge.removeUsers');
	}

	async getUnreadByUser() {
		throw unsupported('RoomBridge.getUnreadByUser');
	}

	async getUserUnreadMessageCount() {
		throw unsupported('RoomBridge.getUserUnreadMessageCount');
	}
}
