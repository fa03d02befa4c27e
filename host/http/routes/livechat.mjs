// @ts-check
// Omnichannel REST: open rooms, an agent's availability, closing a room as the agent or the visitor,
// and registering a visitor the way the livechat widget does.
import { HttpError } from '../router.mjs';
import { requireRole } from './session.mjs';

export function registerLivechat(router, host) {
	const { rooms, users, visitors } = host;

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

	// Rocket.Chat: apps/meteor/app/livechat/imports/server/rest/departments.ts GET livechat/department (7.x/8.x)
	// The departments (the host's come from its config), paginated as Rocket.Chat answers them.
	router.on('GET', /^\/api\/v1\/livechat\/department\/?$/, async ({ query, user }) => {
		requireRole(user, 'livechat-agent');
		const all = (host.omni.deps.config.departments || []).map((d) => ({ _id: d._id, name: d.name, enabled: d.enabled !== false }));
		const offset = Math.max(0, Number(query.offset) || 0);
		const count = Math.max(0, Number(query.count) || 50);
		const departments = all.slice(offset, offset + count);
		return { departments, count: departments.length, offset, total: all.length, success: true };
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
		if (status === 'available') await host.omni.routeQueued();
		return { status, success: true };
	}, { auth: true });

	router.on('POST', /^\/api\/v1\/livechat\/room\.closeByUser\/?$/, async ({ body = {}, user }) => {
		requireRole(user, 'livechat-agent');
		const room = await rooms.byId(body.rid);
		if (!room || room.t !== 'l') throw new HttpError(400, 'error-invalid-room');
		if (!room.open) throw new HttpError(400, 'error-room-already-closed');
		await host.omni.closeRoom(room, { user, comment: body.comment });
		return { success: true };
	}, { auth: true });

	router.on('POST', /^\/api\/v1\/livechat\/room\.close\/?$/, async ({ body = {} }) => {
		const visitor = body.token && (await visitors.byToken(body.token));
		if (!visitor) throw new HttpError(400, 'invalid-token');
		const room = await rooms.byId(body.rid);
		if (!room || room.v?._id !== visitor._id) throw new HttpError(400, 'invalid-room');
		if (!room.open) throw new HttpError(400, 'room-closed');
		const comment = 'Closed by visitor';
		await host.omni.closeRoom(room, { visitor, comment });
		return { rid: room._id, comment, success: true };
	});

	// Rocket.Chat: apps/meteor/app/livechat/server/api/v1/visitor.ts POST livechat/visitor (7.x/8.x)
	// No authentication (the widget calls it): check() the body, registerGuest (the same registration the
	// apps bridge uses, so a visitor can exist before RapidPro's ticket, as from another channel), then the
	// visitor-scope custom fields it knows; answers the raw visitor.
	router.on('POST', /^\/api\/v1\/livechat\/visitor\/?$/, async ({ body }) => {
		const v = checkVisitorBody(body);
		if (!v.token.trim()) throw new HttpError(400, 'Token cannot be empty [error-invalid-token]', { errorType: 'error-invalid-token' });
		let visitor;
		try {
			visitor = await visitors.register(
				{ token: v.token, name: v.name || undefined, username: v.username || undefined, email: v.email || undefined, phone: v.phone || undefined, department: v.department || undefined },
				(idOrName) => host.omni.department(idOrName),
			);
		} catch (e) {
			// registerGuest's Meteor errors ("error-x: text") come out as the REST API shows them: "text [error-x]".
			const [, type, text] = /^([\w-]+): (.*)$/.exec(String(/** @type {any} */ (e)?.message)) || [];
			if (type) throw new HttpError(400, `${text} [${type}]`, { errorType: type });
			throw e;
		}
		const fields = (v.customFields || []).filter((f) => host.omni.customField(f.key) && (host.omni.customField(f.key).scope || 'visitor') === 'visitor');
		if (fields.length) {
			visitor.livechatData = { ...(visitor.livechatData || {}) };
			for (const { key, value, overwrite } of fields) if (overwrite || visitor.livechatData[key] === undefined) visitor.livechatData[key] = value;
			visitor = await visitors.update(visitor);
		}
		return { visitor, success: true };
	});
}

/** Meteor's check(bodyParams, {visitor: Match.ObjectIncluding({...})}) of POST livechat/visitor: a 400 "Match error" naming the field. */
function checkVisitorBody(body) {
	const fail = (what) => {
		throw new HttpError(400, `Match error: ${what}`, { errorType: 'Match.Error' });
	};
	const kind = (x) => (x === null ? 'null' : Array.isArray(x) ? 'array' : typeof x);
	if (kind(body) !== 'object') fail(`Expected object, got ${kind(body)}`);
	for (const key of Object.keys(body)) if (key !== 'visitor') fail(`Unknown key in field ${key}`);
	const v = body.visitor;
	if (v === undefined) fail("Missing key 'visitor'");
	if (kind(v) !== 'object') fail(`Expected object, got ${kind(v)} in field visitor`);
	if (typeof v.token !== 'string') fail(v.token === undefined ? "Missing key 'token' in field visitor" : `Expected string, got ${kind(v.token)} in field visitor.token`);
	for (const key of ['name', 'email', 'department', 'phone', 'username']) {
		if (v[key] !== undefined && v[key] !== null && typeof v[key] !== 'string') fail(`Expected string, got ${kind(v[key])} in field visitor.${key}`);
	}
	if (v.customFields !== undefined && v.customFields !== null) {
		if (!Array.isArray(v.customFields)) fail(`Expected array, got ${kind(v.customFields)} in field visitor.customFields`);
		v.customFields.forEach((f, i) => {
			if (kind(f) !== 'object') fail(`Expected object, got ${kind(f)} in field visitor.customFields[${i}]`);
			for (const [key, type] of [['key', 'string'], ['value', 'string'], ['overwrite', 'boolean']]) {
				if (typeof f[key] !== type) fail(`Expected ${type}, got ${kind(f[key])} in field visitor.customFields[${i}].${key}`);
			}
		});
	}
	return v;
}
