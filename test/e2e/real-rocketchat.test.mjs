// @ts-check
// The app on a host that behaves as Rocket.Chat 7/8 does where the app depends
// on it (issue 11; host/README.md › Fidelity): a phone that joins RapidPro's
// contact to an older visitor, rooms Rocket.Chat never refuses, a message that
// reopens a closed room, closes that fail when they race, comments required,
// custom fields by scope, a department's fallback, chats queued with no agent.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { appUrl, http, login, setAppSettings, startHostProcess, startReceiver, waitFor } from './helpers/index.mjs';
import { rapidProClient } from './helpers/rapidpro-client.mjs';

const SECRET = 'REALRC23456789ABCDEFGHJKLMNPQRST';

/** Starts a host with this config, the app connected to a webhook receiver. */
async function connectedHost(config) {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'real-rc-'));
	const file = path.join(dir, 'host.json');
	fs.writeFileSync(file, JSON.stringify(config));
	const host = await startHostProcess({ args: ['--fresh', '--config', file] });
	const auth = await login(host.url);
	const receiver = await startReceiver();
	const rp = rapidProClient(appUrl(host.url, host.appId), SECRET);
	// The callback answers at once: a timeout far from that, so a loaded machine never turns an answer into a retried (duplicated) event.
	await setAppSettings(host.url, auth, host.appId, { app_secret: SECRET, request_timeout: 10 });
	await waitFor(async () => (await rp.secretCheck()).status === 204, { what: 'the secret to apply' });
	assert.equal((await rp.settings(`${receiver.url}/callback`)).status, 204);
	const get = async (p) => (await http(`${host.url}${p}`, { headers: auth.headers })).json;
	const api = {
		host, auth, receiver, rp,
		rooms: async () => (await get('/api/v1/livechat/rooms?count=1000')).rooms,
		openRooms: async () => (await get('/api/v1/livechat/rooms?open=true&count=1000')).rooms,
		room: async (rid) => (await api.rooms()).find((r) => r._id === rid),
		messages: async (rid) => (await get(`/api/v1/chat.syncMessages?roomId=${rid}&lastUpdate=${new Date(0).toISOString()}`)).result.updated,
		visitor: async (id) => (await get(`/api/v1/livechat/visitors.info?visitorId=${id}`)).visitor,
		agentSays: (rid, msg) => http(`${host.url}/api/v1/chat.sendMessage`, { method: 'POST', headers: auth.headers, json: { message: { rid, msg } } }),
		agentCloses: (rid, comment = 'done') => http(`${host.url}/api/v1/livechat/room.closeByUser`, { method: 'POST', headers: auth.headers, json: { rid, comment } }),
		agentStatus: (status) => http(`${host.url}/api/v1/livechat/agent.status`, { method: 'POST', headers: auth.headers, json: { status } }),
		webhooks: (type, ticketId) => receiver.requests.filter((r) => r.json?.type === type && r.json?.ticketId === ticketId),
		openTickets: async () => (await get('/api/host/stats?association=misc:tickets:open')).apps[host.appId].associations['misc:tickets:open'],
		stop: async () => {
			await receiver.close();
			await host.stop();
			fs.rmSync(dir, { recursive: true, force: true });
		},
	};
	return api;
}

describe('the app on a faithful Rocket.Chat', () => {
	/** @type {Awaited<ReturnType<typeof connectedHost>>} */ let rc;

	before(async () => {
		rc = await connectedHost({
			departments: [
				{ _id: 'dep-night', name: 'Night', agents: [], fallbackForwardDepartment: 'dep-day' },
				{ _id: 'dep-day', name: 'Day' },
			],
			customFields: [{ _id: 'cpf', scope: 'visitor', regexp: '^[0-9]+$' }, { _id: 'topic', scope: 'room' }],
			serverSettings: { Livechat_request_comment_when_closing_conversation: true },
		});
	});
	after(() => rc?.stop());

	it("posts into the room of the visitor Rocket.Chat matched by phone (its older token), and RapidPro's webhooks carry RapidPro's token", async () => {
		const phone = '+5511988887777';
		// The phone reached Rocket.Chat first as another contact (another channel, another token).
		const first = await rc.rp.openRoom('P-1', '7001', { phone, name: 'Ana' });
		assert.equal(first.status, 200, first.text);
		assert.equal((await rc.rp.closeRoom('7001')).status, 204);

		const opened = await rc.rp.openRoom('P-2', '7002', { phone, name: 'Ana' });
		assert.equal(opened.status, 200, opened.text);
		const rid = opened.json.id;
		const room = await rc.room(rid);
		assert.equal(room.v.token, '7001', 'Rocket.Chat kept the older token of the visitor it matched by phone');
		assert.equal(room.open, true);

		const posted = await rc.rp.visitorMessage('7002', 'hello from whatsapp');
		assert.equal(posted.status, 201, posted.text);
		const landed = (await rc.messages(rid)).filter((m) => m.msg === 'hello from whatsapp');
		assert.equal(landed.length, 1, "the message is in the ticket's room");
		assert.equal(landed[0].token, '7001');
		assert.deepEqual((await rc.openRooms()).filter((r) => r.v._id === room.v._id).map((r) => r._id), [rid], 'no other room opened for it');

		assert.equal((await rc.agentSays(rid, 'how can I help?')).json?.success, true);
		await waitFor(() => rc.webhooks('agent-message', 'P-2').length === 1, { what: 'the agent-message webhook' });
		assert.deepEqual(rc.webhooks('agent-message', 'P-2')[0].json.visitor, { token: '7002' });

		assert.equal((await rc.rp.closeRoom('7002')).status, 204);
		assert.equal((await rc.room(rid)).open, false);
	});

	it('leaves no room the app does not know open when a visitor message races the agent closing the room', async () => {
		for (let n = 0; n < 6; n++) {
			const token = String(7100 + n);
			const rid = (await rc.rp.openRoom(`R-${n}`, token)).json.id;
			const close = () => rc.agentCloses(rid);
			const message = () => rc.rp.visitorMessage(token, `late ${n}`);
			const [said, closed] = n % 2 ? await Promise.all([message(), close()]) : (await Promise.all([close(), message()])).reverse();
			assert.equal(closed.json?.success, true, closed.text);
			assert.ok(said.status === 201 || said.status === 404, `${said.status} ${said.text}`);
			const visitorId = (await rc.room(rid)).v._id;
			assert.deepEqual((await rc.openRooms()).filter((r) => r.v._id === visitorId), [], `round ${n}: nothing left open for the visitor`);
			await waitFor(() => rc.webhooks('close-room', `R-${n}`).length === 1, { what: `close-room for R-${n}` });
		}
	});

	it('never leaves two open rooms when two tickets of one contact arrive at once (Rocket.Chat refuses neither)', async () => {
		for (let n = 0; n < 4; n++) {
			const token = String(7200 + n);
			const answers = await Promise.all([rc.rp.openRoom(`D-${n}-a`, token), rc.rp.openRoom(`D-${n}-b`, token)]);
			const statuses = answers.map((a) => a.status).sort();
			assert.deepEqual(statuses, [200, 409], answers.map((a) => a.text).join(' | '));
			const winner = answers.find((a) => a.status === 200)?.json.id;
			const mine = (await rc.rooms()).filter((r) => r.v.token === token);
			assert.deepEqual(mine.filter((r) => r.open).map((r) => r._id), [winner], `round ${n}: one open room, the one answered`);
		}
	});

	it('answers the same room to one ticket sent twice at once', async () => {
		const answers = await Promise.all([rc.rp.openRoom('S-1', '7300'), rc.rp.openRoom('S-1', '7300')]);
		assert.deepEqual(answers.map((a) => a.status), [200, 200]);
		assert.equal(answers[0].json.id, answers[1].json.id);
		assert.deepEqual((await rc.openRooms()).filter((r) => r.v.token === '7300').map((r) => r._id), [answers[0].json.id]);
	});

	it('answers 204 to /room.close racing the agent closing the room, with comments required, and leaves no ticket open', async () => {
		const before = await rc.openTickets();
		for (let n = 0; n < 10; n++) {
			const token = String(7400 + n);
			const rid = (await rc.rp.openRoom(`C-${n}`, token)).json.id;
			// Either side starts first; the app's copy of the room goes stale when the agent's close lands between its read and its close.
			const [byRapidPro, byAgent] = n % 2
				? await Promise.all([rc.rp.closeRoom(token), rc.agentCloses(rid)])
				: (await Promise.all([rc.agentCloses(rid), rc.rp.closeRoom(token)])).reverse();
			assert.equal(byRapidPro.status, 204, byRapidPro.text);
			assert.ok(byAgent.status < 500, byAgent.text);
			assert.equal((await rc.room(rid)).open, false);
			assert.equal((await rc.rp.closeRoom(token)).status, 204, 'and again');
		}
		await waitFor(async () => (await rc.openTickets()) === before, { what: 'every ticket closed' });
		assert.doesNotMatch(rc.host.output(), /error-comment-is-required/);
	});

	it('sets visitor-scoped custom fields on the visitor and room-scoped ones on the open room; a value the field refuses is skipped', async () => {
		const opened = await rc.rp.openRoom('F-1', '7500', { customFields: { cpf: '12345', topic: 'billing', unknown: 'x' } });
		assert.equal(opened.status, 200, opened.text);
		const room = await rc.room(opened.json.id);
		assert.deepEqual(room.livechatData, { topic: 'billing' });
		assert.deepEqual((await rc.visitor(room.v._id)).livechatData, { cpf: '12345' });
		const refused = await rc.rp.openRoom('F-2', '7501', { customFields: { cpf: 'not digits' } });
		assert.equal(refused.status, 200, 'a refused value does not fail the ticket');
		assert.match(rc.host.output(), /custom field "cpf" skipped/);
	});

	it("routes a ticket for a department nobody serves to the department's fallback", async () => {
		const opened = await rc.rp.openRoom('N-1', '7600', { department: 'Night' });
		assert.equal(opened.status, 200, opened.text);
		const room = await rc.room(opened.json.id);
		assert.equal(room.departmentId, 'dep-day');
		assert.ok(room.servedBy, 'an agent of the fallback serves it');
	});
});

describe('the app on a Rocket.Chat that accepts chats with no agent online', () => {
	/** @type {Awaited<ReturnType<typeof connectedHost>>} */ let rc;
	before(async () => (rc = await connectedHost({ serverSettings: { Livechat_accept_chats_with_no_agents: true } })));
	after(() => rc?.stop());

	it('opens the ticket while nobody is available (the room waits in the queue) and its messages flow once an agent takes it', async () => {
		assert.equal((await rc.agentStatus('not-available')).status, 200);
		try {
			const opened = await rc.rp.openRoom('Q-1', '7700');
			assert.equal(opened.status, 200, opened.text);
			const rid = opened.json.id;
			assert.equal((await rc.room(rid)).servedBy, undefined, 'queued, nobody serves it yet');
			assert.equal((await rc.rp.visitorMessage('7700', 'anyone there?')).status, 201);
		} finally {
			assert.equal((await rc.agentStatus('available')).status, 200);
		}
		const room = (await rc.openRooms()).find((r) => r.v.token === '7700');
		assert.equal(room.servedBy?.username, 'admin', 'taken from the queue when the agent became available');
		await rc.agentSays(room._id, 'here!');
		await waitFor(() => rc.webhooks('agent-message', 'Q-1').length === 1, { what: 'the agent-message webhook' });
	});
});
