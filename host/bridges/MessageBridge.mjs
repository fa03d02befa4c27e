// @ts-check
// Messages the app creates (modify.getCreator().startMessage()…finish()):
// stored, then IPostMessageSent fires with the sender's real type and roles.
import { bridges, unsupported } from './engine.mjs';
import { messageFields } from './LivechatBridge.mjs';

export class HostMessageBridge extends bridges.MessageBridge {
	/** @param {{ omni: import('../chat/Omnichannel.mjs').Omnichannel }} ctx */
	constructor({ omni }) {
		super();
		this.omni = omni;
		this.o = omni.toApp();
	}

	async create(message, appId) {
		const room = await this.o.rooms.byId(message.room?.id);
		if (!room) throw new Error('error-invalid-room');
		const sender = (message.sender?.id && (await this.o.users.byId(message.sender.id))) || (await this.o.users.appUser(appId));
		const msg = await this.omni.sendMessage(messageFields(message, { rid: room._id, u: { _id: sender._id, username: sender.username, name: sender.name } }));
		return msg._id;
	}

	async getById(messageId) {
		const msg = await this.o.messages.byId(messageId);
		return msg && this.omni.appMessage(msg);
	}

	async update(message) {
		const msg = await this.o.messages.byId(message.id);
		if (!msg) throw new Error('error-invalid-message');
		msg.msg = message.text ?? msg.msg;
		if (message.attachments) msg.attachments = messageFields(message, {}).attachments;
		msg.editedAt = new Date().toISOString();
		await this.o.messages.update(msg);
	}

	/** Ephemeral notices only reach a logged-in client; the host prints them so a developer (and a test) sees them. */
	async notifyUser(user, message) {
		this.omni.deps.log(`[host] notice to ${user?.username}: ${String(message?.text || '').replace(/\n/g, '\n  ')}`);
	}

	async notifyRoom() {}

	async typing() {}

	async delete() {
		throw unsupported('MessageBridge.delete');
	}

	async addReaction() {
		throw unsupported('MessageBridge.addReaction');
	}

	async removeReaction() {
		throw unsupported('MessageBridge.removeReaction');
	}
}
