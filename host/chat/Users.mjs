// @ts-check
// Rocket.Chat users: the admin (also the available livechat agent who gets
// every new room), agents from the config, and app users (type 'app').
// Log-in tokens live in memory: log in again after a host restart.
import crypto from 'node:crypto';
import { randomId } from './ids.mjs';

export class Users {
	/** @param {import('../store.mjs').Store} store */
	constructor(store) {
		this.store = store;
		/** @type {Map<string, string>} authToken → user id */
		this.tokens = new Map();
		this.adminId = '';
	}

	/** Creates the admin and configured agents on first start; passwords follow the env each start. */
	async init({ adminUser, adminPassword, agents = [] }) {
		const admin = await this.ensure({
			username: adminUser,
			name: 'Administrator',
			roles: ['admin', 'livechat-agent'],
			password: adminPassword,
			emails: [{ address: `${adminUser}@localhost`, verified: true }],
		});
		this.adminId = admin._id;
		for (const a of agents) {
			await this.ensure({ ...(a._id && { _id: a._id }), username: a.username, name: a.name || a.username, roles: ['livechat-agent', ...(a.roles || [])], password: a.password, emails: a.email ? [{ address: a.email, verified: true }] : [] });
		}
	}

	async ensure({ password, ...fields }) {
		const existing = await this.byUsername(fields.username);
		const now = new Date().toISOString();
		const user = {
			_id: fields._id || existing?._id || randomId(),
			type: 'user',
			active: true,
			status: 'online',
			statusConnection: 'online',
			statusLivechat: 'available',
			createdAt: existing?.createdAt || now,
			...existing,
			...fields,
			passwordHash: password ? hash(password) : existing?.passwordHash,
			_updatedAt: now,
		};
		await this.save(user);
		return user;
	}

	async save(user) {
		await this.store.batch([
			{ type: 'put', collection: 'users', key: user._id, value: user },
			{ type: 'put', collection: 'serverSettings', key: `username:${user.username}`, value: user._id },
		]);
	}

	async remove(user) {
		await this.store.batch([
			{ type: 'del', collection: 'users', key: user._id },
			{ type: 'del', collection: 'serverSettings', key: `username:${user.username}` },
		]);
	}

	byId(id) {
		return id ? this.store.get('users', id) : Promise.resolve(undefined);
	}

	async byUsername(username) {
		const id = await this.store.get('serverSettings', `username:${username}`);
		return id ? this.byId(id) : undefined;
	}

	async appUser(appId) {
		const id = await this.store.get('serverSettings', `appUser:${appId}`);
		return id ? this.byId(id) : undefined;
	}

	async createAppUser(data, appId) {
		const user = await this.ensure({ ...data, type: 'app', appId, roles: data.roles || ['app'], statusLivechat: undefined });
		await this.store.put('serverSettings', `appUser:${appId}`, user._id);
		return user;
	}

	admin() {
		return this.byId(this.adminId);
	}

	/** @returns {Promise<{userId: string, authToken: string} | undefined>} */
	async login(username, password) {
		const user = await this.byUsername(username);
		if (!user || !user.passwordHash || user.passwordHash !== hash(password)) return undefined;
		const authToken = crypto.randomBytes(32).toString('base64url');
		this.tokens.set(authToken, user._id);
		return { userId: user._id, authToken };
	}

	async authenticate(userId, authToken) {
		if (!userId || !authToken || this.tokens.get(authToken) !== userId) return undefined;
		return this.byId(userId);
	}

	/** Livechat agents (users with role livechat-agent), available ones first. */
	async agents() {
		const all = await this.store.values('users');
		return all.filter((u) => (u.roles || []).includes('livechat-agent'));
	}

	/** What REST answers show for a user. */
	static brief(u) {
		return u && { _id: u._id, username: u.username, name: u.name };
	}
}

function hash(password) {
	return crypto.createHash('sha256').update(String(password)).digest('hex');
}
