// @ts-check
// Pins the host's livechat model to what Rocket.Chat 7/8 does (host/README.md ›
// Fidelity › Livechat, Routing and custom fields). In-process: the host's own
// modules over a fresh store, so each behaviour is checked exactly.
import { after, afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Store } from '../../host/store.mjs';
import { Users } from '../../host/chat/Users.mjs';
import { Visitors } from '../../host/chat/Visitors.mjs';
import { Rooms } from '../../host/chat/Rooms.mjs';
import { Messages } from '../../host/chat/Messages.mjs';
import { Uploads } from '../../host/chat/Uploads.mjs';
import { Omnichannel } from '../../host/chat/Omnichannel.mjs';
import { HostLivechatBridge } from '../../host/bridges/LivechatBridge.mjs';
import { HostRoomBridge } from '../../host/bridges/RoomBridge.mjs';
import { LIVECHAT_DEFAULTS } from '../../host/config.mjs';

const dirs = [];
after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** A fresh host model; `settings` and `departments` as a host config would give them. */
async function model({ settings = {}, departments = [], customFields = [], agents = [] } = {}) {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fidelity-livechat-'));
	dirs.push(dir);
	const store = await Store.open(dir);
	const config = { departments: departments.map((d) => ({ enabled: true, ...d })), customFields: customFields.map((f) => ({ scope: 'visitor', ...f })), agents, serverSettings: { ...LIVECHAT_DEFAULTS, ...settings } };
	const users = new Users(store);
	await users.init({ adminUser: 'admin', adminPassword: 'admin', agents });
	const deps = { store, users, visitors: new Visitors(store), rooms: new Rooms(store), messages: new Messages(store), uploads: new Uploads(store), config, log: () => {} };
	const omni = new Omnichannel(deps);
	const bridge = new HostLivechatBridge({ omni });
	const setAvailable = async (username, available) => {
		const u = await users.byUsername(username);
		await users.save({ ...u, statusLivechat: available ? 'available' : 'not-available' });
	};
	return { ...deps, omni, bridge, store, setAvailable };
}

/** The app's IVisitor as the runtime hands it to the bridge. */
const appVisitor = (token, fields = {}) => ({ token, username: '', name: fields.name, ...(fields.phone && { phone: [{ phoneNumber: fields.phone }] }), ...(fields.email && { visitorEmails: [{ address: fields.email }] }), ...(fields.department && { department: fields.department }) });

describe('host fidelity: livechat visitors (registerGuest)', () => {
	/** @type {Awaited<ReturnType<typeof model>>} */ let m;
	beforeEach(async () => (m = await model({ departments: [{ _id: 'dep-1', name: 'Sales' }] })));
	afterEach(() => m.store.close());

	it('updates the visitor with the token', async () => {
		const first = await m.bridge.createAndReturnVisitor(appVisitor('t1', { name: 'Ana' }));
		const again = await m.bridge.createAndReturnVisitor(appVisitor('t1', { name: 'Ana Maria' }));
		assert.equal(again.id, first.id);
		assert.equal(again.name, 'Ana Maria');
		assert.equal(again.username, first.username);
	});

	it('reuses the visitor with the same phone and keeps its own, older token', async () => {
		const widget = await m.bridge.createAndReturnVisitor(appVisitor('widget-token', { phone: '+5511999990000' }));
		const rapidpro = await m.bridge.createAndReturnVisitor(appVisitor('4321', { phone: '+5511999990000', name: 'Ana' }));
		assert.equal(rapidpro.id, widget.id);
		assert.equal(rapidpro.token, 'widget-token');
		assert.equal(await m.bridge.findVisitorByToken('4321'), undefined, 'the new token is not stored');
		assert.equal((await m.bridge.createVisitor(appVisitor('4321', { phone: '+5511999990000' }))), widget.id, 'createVisitor answers the matched id');
	});

	it('reuses the visitor with the same email (any case) and gives it the new token', async () => {
		const widget = await m.bridge.createAndReturnVisitor(appVisitor('widget-token', { email: 'Ana@Example.com' }));
		const rapidpro = await m.bridge.createAndReturnVisitor(appVisitor('4321', { email: 'ana@example.COM' }));
		assert.equal(rapidpro.id, widget.id);
		assert.equal(rapidpro.token, '4321');
		assert.equal(await m.bridge.findVisitorByToken('widget-token'), undefined, 'the old token no longer finds it');
		assert.deepEqual(rapidpro.visitorEmails, [{ address: 'ana@example.com' }], 'stored lower-case');
	});

	it('matches the token before the phone, and the phone before the email', async () => {
		const byEmail = await m.bridge.createAndReturnVisitor(appVisitor('e', { email: 'x@example.com' }));
		const byPhone = await m.bridge.createAndReturnVisitor(appVisitor('p', { phone: '+1555' }));
		const both = await m.bridge.createAndReturnVisitor(appVisitor('new', { phone: '+1555', email: 'x@example.com' }));
		assert.equal(both.id, byPhone.id);
		assert.notEqual(both.id, byEmail.id);
	});

	it('refuses an unknown department and an invalid email', async () => {
		await assert.rejects(m.bridge.createAndReturnVisitor(appVisitor('t', { department: 'nope' })), /error-invalid-department/);
		await assert.rejects(m.bridge.createAndReturnVisitor(appVisitor('t', { email: 'not an email' })), /error-invalid-email/);
		const ok = await m.bridge.createAndReturnVisitor(appVisitor('t', { department: 'Sales' }));
		assert.equal(ok.department, 'dep-1', 'a department given by name is stored by id');
	});
});

describe('host fidelity: livechat rooms, messages and closing', () => {
	/** @type {Awaited<ReturnType<typeof model>>} */ let m;
	/** @type {any} */ let visitor;
	beforeEach(async () => {
		m = await model();
		visitor = await m.bridge.createAndReturnVisitor(appVisitor('t1', { name: 'Ana' }));
	});
	afterEach(() => m.store.close());

	it('opens a second room for a visitor who has one open (nothing refuses it)', async () => {
		const a = await m.bridge.createRoom(visitor, undefined, 'app-id', { source: { type: 'app' } });
		const b = await m.bridge.createRoom(visitor, undefined, 'app-id', { source: { type: 'app' } });
		assert.notEqual(a.id, b.id);
		assert.deepEqual((await m.rooms.openByVisitor(visitor.id)).map((r) => r._id).sort(), [a.id, b.id].sort());
	});

	it("puts a visitor's message for a closed room into a new room, silently", async () => {
		const room = await m.bridge.createRoom(visitor, undefined, 'app-id', {});
		await m.bridge.closeRoom(room, 'done');
		const id = await m.bridge.createMessage({ room: { id: room.id }, visitor, token: visitor.token, text: 'hello again' }, 'app-id');
		const msg = await m.messages.byId(id);
		assert.notEqual(msg.rid, room.id);
		const fresh = await m.rooms.byId(msg.rid);
		assert.equal(fresh.open, true);
		assert.equal(fresh.v._id, visitor.id);
	});

	it("refuses a visitor's message for another visitor's open room", async () => {
		const other = await m.bridge.createAndReturnVisitor(appVisitor('t2'));
		const room = await m.bridge.createRoom(other, undefined, 'app-id', {});
		await assert.rejects(m.bridge.createMessage({ room: { id: room.id }, visitor, token: visitor.token, text: 'x' }, 'app-id'), /cannot-access-room/);
	});

	it("closes as the app's copy of the room says: a stale open copy of a closed room fails on its inquiry", async () => {
		const room = await m.bridge.createRoom(visitor, undefined, 'app-id', {});
		assert.equal(await m.bridge.closeRoom(room, 'first'), true);
		await assert.rejects(m.bridge.closeRoom(room, 'second'), /Error removing inquiry/);
		await assert.rejects(m.bridge.closeRoom({ ...room, isOpen: false }, 'third'), /error-room-closed/);
		const messages = await m.messages.byRoom(room.id);
		assert.deepEqual(messages.filter((x) => x.t === 'livechat-close').map((x) => x.msg), ['first'], 'one close message');
	});

	it('reads a room\'s messages as Rocket.Chat does: no system, hidden or (if asked) thread messages; newest first only when sorted so', async () => {
		const room = await m.bridge.createRoom(visitor, undefined, 'app-id', {});
		const rooms = new HostRoomBridge({ omni: m.omni });
		const u = { _id: 'agent-1', username: 'agent' };
		const at = (s) => `2999-01-01T00:00:0${s}.000Z`; // after anything the room got on creation
		await m.messages.insert({ _id: 'a', rid: room.id, msg: 'one', ts: at(1), u });
		await m.messages.insert({ _id: 'b', rid: room.id, msg: 'agent', ts: at(2), u, t: 'uj' });
		await m.messages.insert({ _id: 'c', rid: room.id, msg: 'hidden', ts: at(3), u, _hidden: true });
		await m.messages.insert({ _id: 'd', rid: room.id, msg: 'in a thread', ts: at(4), u, tmid: 'a' });
		await m.messages.insert({ _id: 'e', rid: room.id, msg: 'from the visitor', ts: at(5), u: { _id: visitor.id, username: visitor.username }, token: visitor.token });
		const ids = async (options) => (await rooms.getMessages(room.id, options)).map((x) => x.id);
		const own = (list) => list.filter((id) => 'abcde'.includes(id));
		assert.deepEqual(own(await ids({ limit: 100, showThreadMessages: true })), ['a', 'd', 'e']);
		assert.deepEqual(own(await ids({ limit: 100, showThreadMessages: true, sort: { createdAt: 'desc' } })), ['e', 'd', 'a']);
		assert.deepEqual(own(await ids({ limit: 100, showThreadMessages: false })), ['a', 'e']);
		assert.deepEqual(await ids({ limit: 1, skip: 1, showThreadMessages: true, sort: { createdAt: 'desc' } }), ['d']);
		const [raw] = await rooms.getMessages(room.id, { limit: 1, sort: { createdAt: 'desc' }, showThreadMessages: true });
		assert.deepEqual({ id: raw.id, sender: raw.sender, createdAt: raw.createdAt, token: raw.token, text: raw.text },
			{ id: 'e', sender: { _id: visitor.id, username: visitor.username, name: undefined }, createdAt: new Date(at(5)), token: visitor.token, text: 'from the visitor' });
	});

	it('closes as the visitor when the app names no closer', async () => {
		const room = await m.bridge.createRoom(visitor, undefined, 'app-id', {});
		await m.bridge.closeRoom(room, 'bye');
		const closed = await m.rooms.byId(room.id);
		assert.equal(closed.closer, 'visitor');
		assert.equal(closed.closedBy._id, visitor.id);
	});

	it('requires a comment while Livechat_request_comment_when_closing_conversation is on', async () => {
		const strict = await model({ settings: { Livechat_request_comment_when_closing_conversation: true } });
		const v = await strict.bridge.createAndReturnVisitor(appVisitor('t1'));
		const room = await strict.bridge.createRoom(v, undefined, 'app-id', {});
		await assert.rejects(strict.bridge.closeRoom(room, ''), /error-comment-is-required/);
		await assert.rejects(strict.bridge.closeRoom(room, '   '), /error-comment-is-required/);
		assert.equal(await strict.bridge.closeRoom(room, 'resolved'), true);
		await strict.store.close();
	});
});

describe('host fidelity: routing', () => {
	it('refuses a room while no agent is available, unless Livechat_accept_chats_with_no_agents; then it waits queued, and an agent who becomes available takes it', async () => {
		const m = await model();
		await m.setAvailable('admin', false);
		const v = await m.bridge.createAndReturnVisitor(appVisitor('t1'));
		await assert.rejects(m.bridge.createRoom(v, undefined, 'app-id', {}), /no-agent-online/);
		m.omni.deps.config.serverSettings.Livechat_accept_chats_with_no_agents = true;
		const room = await m.bridge.createRoom(v, undefined, 'app-id', {});
		assert.equal(room.servedBy, undefined);
		assert.equal((await m.rooms.inquiry(room.id)).status, 'queued');
		await m.setAvailable('admin', true);
		await m.omni.routeQueued();
		assert.equal((await m.rooms.byId(room.id)).servedBy.username, 'admin');
		await m.store.close();
	});

	it("routes to the department's fallback when nobody in it is available, and refuses when no department down the chain has anyone", async () => {
		const m = await model({
			agents: [{ username: 'bea', password: 'x' }],
			departments: [{ _id: 'night', name: 'Night', agents: [], fallbackForwardDepartment: 'day' }, { _id: 'day', name: 'Day', agents: ['bea'] }, { _id: 'empty', name: 'Empty', agents: [] }],
		});
		const v = await m.bridge.createAndReturnVisitor(appVisitor('t1', { department: 'night' }));
		const room = await m.bridge.createRoom(v, undefined, 'app-id', {});
		assert.equal(room.department.id, 'day');
		assert.equal(room.servedBy.username, 'bea');
		const w = await m.bridge.createAndReturnVisitor(appVisitor('t2', { department: 'empty' }));
		await assert.rejects(m.bridge.createRoom(w, undefined, 'app-id', {}), /no-agent-online/);
		await m.store.close();
	});
});

describe('host fidelity: custom fields', () => {
	it('throws for an unknown key, checks the regexp, sets visitor fields on the visitor and room fields on the open room only', async () => {
		const m = await model({ customFields: [{ _id: 'cpf', scope: 'visitor', regexp: '^[0-9]{3}$' }, { _id: 'topic', scope: 'room' }] });
		const v = await m.bridge.createAndReturnVisitor(appVisitor('t1'));
		await assert.rejects(m.bridge.setCustomFields({ token: 't1', key: 'nope', value: 'x', overwrite: true }), /invalid-custom-field/);
		await assert.rejects(m.bridge.setCustomFields({ token: 't1', key: 'cpf', value: 'abc', overwrite: true }), /Invalid value/);
		assert.equal(await m.bridge.setCustomFields({ token: 't1', key: 'cpf', value: '123', overwrite: true }), 1);
		assert.equal(await m.bridge.setCustomFields({ token: 't1', key: 'topic', value: 'billing', overwrite: true }), 0, 'no open room yet');
		const room = await m.bridge.createRoom(v, undefined, 'app-id', {});
		assert.equal(await m.bridge.setCustomFields({ token: 't1', key: 'topic', value: 'billing', overwrite: true }), 1);
		assert.equal(await m.bridge.setCustomFields({ token: 't1', key: 'topic', value: 'sales', overwrite: false }), 0, 'overwrite off keeps the value');
		assert.deepEqual((await m.visitors.byToken('t1')).livechatData, { cpf: '123' });
		assert.deepEqual((await m.rooms.byId(room.id)).livechatData, { topic: 'billing' });
		await m.store.close();
	});
});
