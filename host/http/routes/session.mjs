// @ts-check
// GET /api/info, POST /api/v1/login, GET /api/v1/me — what rc-apps deploy and
// every client touch first.
import { HttpError, Reply } from '../router.mjs';
import { Users } from '../../chat/Users.mjs';

/** The Rocket.Chat version the host says it is (GET /api/info); HOST_RC_VERSION=8.x.y makes it act as 8 (no rooms.upload). */
export const serverVersion = () => process.env.HOST_RC_VERSION || '7.10.0';
export const serverMajor = () => Number(serverVersion().split('.')[0]);

export function registerSession(router, host) {
	router.on('GET', /^\/api\/info\/?$/, async () => ({ version: serverVersion(), success: true }));

	router.on('POST', /^\/api\/v1\/login\/?$/, async ({ body = {} }) => {
		const username = body.username || body.user;
		const session = await host.users.login(username, body.password);
		if (!session) return new Reply(401, { status: 'error', error: 'Unauthorized', message: 'Unauthorized' });
		const me = await host.users.byId(session.userId);
		return { status: 'success', data: { ...session, me: { ...Users.brief(me), roles: me.roles, active: true, status: 'online' } } };
	});

	router.on(
		'GET',
		/^\/api\/v1\/me\/?$/,
		async ({ user }) => ({ ...Users.brief(user), roles: user.roles, active: true, status: user.status, statusLivechat: user.statusLivechat, success: true }),
		{ auth: true },
	);
}

export function requireRole(user, role) {
	if (!(user.roles || []).includes(role) && !(user.roles || []).includes('admin')) throw new HttpError(403, 'error-not-allowed');
}
