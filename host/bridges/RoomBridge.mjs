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

	/** Raw messages (IMessageRaw), newest first by default like Rocket.Chat. */
	async getMessages(roomId, options = {}) {
		const { limit = 100, skip = 0, sort } = options;
		const oldestFirst = sort?.createdAt === 'asc';
		const msgs = await this.o.messages.byRoom(roomId, { newestFirst: !oldestFirst });
		return msgs.slice(skip, skip + limit).map((m) => ({
			id: m._id,
			roomId: m.rid,
			sender: { _id: m.u._id, username: m.u.username, name: m.u.name },
			text: m.msg,
			createdAt: new Date(m.ts),
			updatedAt: new Date(m._updatedAt),
			editedAt: m.editedAt ? new Date(m.editedAt) : undefined,
			attachments: m.attachments,
			file: m.file,
			type: m.t,
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
