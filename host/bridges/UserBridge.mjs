// @ts-check
// Users: reads, and the app user the engine creates at install (type 'app').
import { userToApp } from '../chat/convert.mjs';
import { bridges, unsupported } from './engine.mjs';

export class HostUserBridge extends bridges.UserBridge {
	/** @param {{ omni: import('../chat/Omnichannel.mjs').Omnichannel }} ctx */
	constructor({ omni }) {
		super();
		this.o = omni.toApp();
	}

	async getById(id) {
		return userToApp(await this.o.users.byId(id));
	}

	async getByUsername(username) {
		return userToApp(await this.o.users.byUsername(username));
	}

	async getAppUser(appId) {
		return userToApp(appId ? await this.o.users.appUser(appId) : undefined);
	}

	async getActiveUserCount() {
		return (await this.o.store.values('users')).filter((u) => u.active !== false && u.type === 'user').length;
	}

	/** Only app users are created through the bridge (AppManager.createAppUser). */
	async create(data, appId) {
		if (data.type !== 'app') throw unsupported('UserBridge.create (non-app users)');
		const user = await this.o.users.createAppUser({ username: data.username, name: data.name, roles: data.roles, status: 'online' }, appId);
		return user._id;
	}

	async remove(user, appId) {
		const raw = await this.o.users.byId(user.id);
		if (raw) await this.o.users.remove(raw);
		return true;
	}

	async update() {
		throw unsupported('UserBridge.update');
	}

	async getUserUnreadMessageCount() {
		throw unsupported('UserBridge.getUserUnreadMessageCount');
	}

	async getUserRoomIds(userId) {
		return (await this.o.rooms.open()).filter((r) => r.servedBy?._id === userId).map((r) => r._id);
	}

	async deleteUsersCreatedByApp() {
		throw unsupported('UserBridge.deleteUsersCreatedByApp');
	}

	async deactivate() {
		throw unsupported('UserBridge.deactivate');
	}
}
