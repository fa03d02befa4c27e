// @ts-check
// Omnichannel REST: open rooms, an agent's availability, and closing a room as the agent or the visitor.
import { HttpError } from '../router.mjs';
import { requireRole } from './session.mjs';

export function registerLivechat(router, host) {
	const { omni, rooms, users, visitors } = host;

	router.on('GET', /^\/api\/v1\/livechat\/rooms\/?$/, async ({ query, user }) => {
		requireRole(user, 'livechat-agent');
		let list = query.open === 'true' ? await rooms.open() : await rooms.all();
		if (query.open === 'false') list = list.filter((r) => !r.open);
		if (query.agents) list = list.filter((r) => [].concat(query.agents).includes(r.servedBy?._id));
		if (query.departmentId) list = list.filter((r) => r.departmentId === query.departmentId);
		list.sort((a, b) => (a.ts < b.ts ? 1 : -1));
		const offset = Number(query.offset || 0);
		const count = Number(query.count || 50);
		return { rooms: list.slice(offset, offset + count), count: Math.min(count, list.length - offset), offset, total: list.length, success: true };
	}, { auth: true });

	// Rocket.Chat: apps/meteor/app/livechat/imports/server/rest/visitors.ts livechat/visitors.info (7.x/8.x)
	router.on('GET', /^\/api\/v1\/livechat\/visitors\.info\/?$/, async ({ query, user }) => {
		requireRole(user, 'livechat-agent');
		const visitor = await visitors.byId(query.visitorId);
		if (!visitor) throw new HttpError(400, 'visitor-not-found');
		return { visitor, success: true };
	}, { auth: true });

	// An agent goes available or not (no status: toggles); another agent's status needs a manager.
	router.on('POST', /^\/api\/v1\/livechat\/agent\.status\/?$/, async ({ body = {}, user }) => {
		requireRole(user, 'livechat-agent');
		const agentId = body.agentId || user._id;
		if (agentId !== user._id) requireRole(user, 'livechat-manager');
		const agent = await users.byId(agentId);
		if (!agent || !(agent.roles || []).includes('livechat-agent')) throw new HttpError(404, 'Agent not found');
		const status = body.status || (agent.statusLivechat === 'available' ? 'not-available' : 'available');
		if (status !== 'available' && status !== 'not-available') throw new HttpError(400, 'Invalid status');
		await users.save({ ...agent, statusLivechat: status });
		if (status === 'available') await omni.routeQueued();
		return { status, success: true };
	}, { auth: true });

	router.on('POST', /^\/api\/v1\/livechat\/room\.closeByUser\/?$/, async ({ body = {}, user }) => {
		requireRole(user, 'livechat-agent');
		const room = await rooms.byId(body.rid);
		if (!room || room.t !== 'l') throw new HttpError(400, 'error-invalid-room');
		if (!room.open) throw new HttpError(400, 'error-room-already-closed');
		await omni.closeRoom(room, { user, comment: body.comment });
		return { success: true };
	}, { auth: true });

	router.on('POST', /^\/api\/v1\/livechat\/room\.close\/?$/, async ({ body = {} }) => {
		const visitor = body.token && (await visitors.byToken(body.token));
		if (!visitor) throw new HttpError(400, 'invalid-token');
		const room = await rooms.byId(body.rid);
		if (!room || room.v?._id !== visitor._id) throw new HttpError(400, 'invalid-room');
		if (!room.open) throw new HttpError(400, 'room-closed');
		const comment = 'Closed by visitor';
		await omni.closeRoom(room, { visitor, comment });
		return { rid: room._id, comment, success: true };
	});
}
