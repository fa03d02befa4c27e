// @ts-check
// Faults around the app, each with its stated outcome: Rocket.Chat refusing a
// room (no agent available, a department nobody serves), the same ticket
// opened several times at once, a visitor message racing the close of its
// room, and RapidPro's callback refusing (401) or being down. What
// delivery.test.mjs covers (500/429, timeouts, hang-ups, 404, restarts) is not
// repeated here.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { appUrl, http, login, setAppSettings, startHostProcess, startReceiver, waitFor } from './helpers/index.mjs';
import { rapidProClient } from './helpers/rapidpro-client.mjs';

const SECRET = 'FAULTS23456789ABCDEFGHJKLMNPQRST';

describe('faults around the app', () => {
	/** @type {Awaited<ReturnType<typeof startHostProcess>>} */ let host;
	/** @type {Awaited<ReturnType<typeof login>>} */ let auth;
	/** @type {Awaited<ReturnType<typeof startReceiver>>} */ let receiver;
	/** @type {ReturnType<typeof rapidProClient>} */ let rp;
	let receiverPort = 0;
	let configDir = '';

	const openRooms = async () => (await http(`${host.url}/api/v1/livechat/rooms?open=true&count=1000`, { headers: auth.headers })).json.rooms;
	const roomMessages = async (rid) =>
		(await http(`${host.url}/api/v1/chat.syncMessages?roomId=${rid}&lastUpdate=${new Date(0).toISOString()}`, { headers: auth.headers })).json.result.updated;
	const agentSays = (rid, msg, as = auth) => http(`${host.url}/api/v1/chat.sendMessage`, { method: 'POST', headers: as.headers, json: { message: { rid, msg } } });
	const agentStatus = (status, agentId) => http(`${host.url}/api/v1/livechat/agent.status`, { method: 'POST', headers: auth.headers, json: { status, ...(agentId && { agentId }) } });
	const forTicket = (ticketId) => receiver.requests.filter((r) => r.json?.ticketId === ticketId);
	const openTickets = async () => {
		const stats = (await http(`${host.url}/api/host/stats?association=misc:tickets:open`, { headers: auth.headers })).json;
		return stats.apps[host.appId].associations['misc:tickets:open'];
	};

	before(async () => {
		configDir = fs.mkdtempSync(path.join(os.tmpdir(), 'faults-config-'));
		const config = path.join(configDir, 'host.json');
		fs.writeFileSync(config, JSON.stringify({
			departments: [
				{ _id: 'dep-sales', name: 'Sales', agents: ['ana'] },
				{ _id: 'dep-night', name: 'Night shift', agents: [] },
				{ _id: 'dep-closed', name: 'Closed desk', enabled: false },
			],
			agents: [{ username: 'ana', password: 'ana-pass', name: 'Ana' }],
		}));
		host = await startHostProcess({ args: ['--fresh', '--config', config] });
		auth = await login(host.url);
		receiver = await startReceiver();
		receiverPort = Number(new URL(receiver.url).port);
		rp = rapidProClient(appUrl(host.url, host.appId), SECRET);
		// No test here answers slowly: a timeout far from the callback's immediate answers, so a loaded
		// machine never turns one into a retried (duplicated) event.
		await setAppSettings(host.url, auth, host.appId, { app_secret: SECRET, request_timeout: 10 });
		await waitFor(async () => (await rp.secretCheck()).status === 204, { what: 'the secret to apply' });
		assert.equal((await rp.settings(`${receiver.url}/callback`)).status, 204);
	});

	after(async () => {
		await receiver?.close();
		if (host) await host.stop();
		if (configDir) fs.rmSync(configDir, { recursive: true, force: true });
	});

	describe('Rocket.Chat refusing a room', () => {
		it('answers 503 while no agent is available, opens and stores nothing, logs the reason; the retry succeeds once one is', async () => {
			assert.equal((await agentStatus('not-available')).json?.status, 'not-available');
			const ana = (await login(host.url, 'ana', 'ana-pass')).userId;
			assert.equal((await agentStatus('not-available', ana)).status, 200);
			try {
				const roomsBefore = (await openRooms()).length;
				const refused = await rp.openRoom('F-1', '3001');
				assert.equal(refused.status, 503, refused.text);
				assert.deepEqual(refused.json, { error: 'Rocket.Chat could not open a room now' });
				assert.equal((await openRooms()).length, roomsBefore);
				assert.equal(await openTickets(), 0);
				assert.match(host.output(), /Rocket\.Chat could not open a room: no-agent-online/);
				assert.equal((await rp.visitorMessage('3001', 'anyone?')).status, 404, 'no room to post in');
			} finally {
				await agentStatus('available');
				const ana = (await login(host.url, 'ana', 'ana-pass')).userId;
				await agentStatus('available', ana);
			}
			const retried = await rp.openRoom('F-1', '3001');
			assert.equal(retried.status, 200, retried.text);
			assert.ok((await openRooms()).find((r) => r._id === retried.json.id));
		});

		it('answers 503 for a department nobody serves now, 404 for a disabled one, and routes to its agent once available', async () => {
			const night = await rp.openRoom('F-2', '3002', { department: 'Night shift' });
			assert.equal(night.status, 503, night.text);
			const closed = await rp.openRoom('F-3', '3003', { department: 'Closed desk' });
			assert.equal(closed.status, 404);
			assert.deepEqual(closed.json, { error: 'department Closed desk not found' });

			const ana = await login(host.url, 'ana', 'ana-pass');
			await agentStatus('not-available', ana.userId);
			assert.equal((await rp.openRoom('F-4', '3004', { department: 'Sales' })).status, 503, 'the one Sales agent is away');
			await agentStatus('available', ana.userId);
			const sales = await rp.openRoom('F-4', '3004', { department: 'Sales' });
			assert.equal(sales.status, 200, sales.text);
			const room = (await openRooms()).find((r) => r._id === sales.json.id);
			assert.equal(room.servedBy?.username, 'ana');
			assert.equal(room.departmentId, 'dep-sales');
		});
	});

	it('opens one room for a ticket asked for eight times at once, and answers every request with its id', async () => {
		const answers = await Promise.all(Array.from({ length: 8 }, () => rp.openRoom('F-5', '3005')));
		assert.deepEqual(answers.map((a) => a.status), Array(8).fill(200), answers.map((a) => a.text).join(' '));
		const ids = new Set(answers.map((a) => a.json.id));
		assert.equal(ids.size, 1, `one id for all: ${[...ids]}`);
		const open = (await openRooms()).filter((r) => r.v.token === '3005');
		assert.deepEqual(open.map((r) => r._id), [...ids]);
		assert.equal((await rp.visitorMessage('3005', 'one room')).status, 201);
		await new Promise((r) => setTimeout(r, 500));
		assert.equal(forTicket('F-5').length, 0, 'RapidPro hears nothing of the duplicates');
	});

	// Outcome: 201 and the message is in the room before it closed, or 404 and it is not there; never a 5xx,
	// never a 201 for a message that is not in the room. A close from Rocket.Chat's side is still sent once.
	it('answers a visitor message racing the close of its room with 201 (and the message is in the room) or 404, never lost silently', async () => {
		const outcomes = { 201: 0, 404: 0 };
		const closes = {
			rapidpro: (token) => rp.closeRoom(token),
			agent: (token, rid) => http(`${host.url}/api/v1/livechat/room.closeByUser`, { method: 'POST', headers: auth.headers, json: { rid, comment: 'bye' } }),
			visitor: (token, rid) => http(`${host.url}/api/v1/livechat/room.close`, { method: 'POST', json: { rid, token } }),
		};
		const rounds = [];
		let n = 0;
		for (const [closer, close] of Object.entries(closes)) {
			for (let i = 0; i < 8; i++) {
				n += 1;
				const ticketId = `F-race-${n}`;
				const token = String(3100 + n);
				const rid = (await rp.openRoom(ticketId, token)).json.id;
				const text = `racing ${n}`;
				// Half the rounds start the close first, half the message.
				const [message, closed] = i % 2
					? await Promise.all([rp.visitorMessage(token, text), close(token, rid)])
					: (await Promise.all([close(token, rid), rp.visitorMessage(token, text)])).reverse();
				assert.ok(closed.status < 300, `${closer} close: ${closed.status} ${closed.text}`);
				assert.ok(message.status === 201 || message.status === 404, `${closer}: visitor message ${message.status} ${message.text}`);
				outcomes[message.status] += 1;
				rounds.push({ closer, ticketId, rid, text, message });
			}
		}
		for (const { rid, text, message } of rounds) {
			const messages = await roomMessages(rid);
			const mine = messages.filter((m) => m.msg === text);
			if (message.status === 201) {
				assert.equal(mine.length, 1, `accepted message ${text} is in its room`);
				assert.equal(mine[0]._id, message.json.id);
				const closing = messages.find((m) => m.t === 'livechat-close');
				assert.ok(closing && mine[0].ts <= closing.ts, `${text} is before the close`);
			} else {
				assert.equal(mine.length, 0, `refused message ${text} is not in its room`);
			}
		}
		await waitFor(() => rounds.filter((r) => r.closer !== 'rapidpro').every((r) => forTicket(r.ticketId).length >= 1), { timeoutMs: 30000, what: 'close-room for every Rocket.Chat-side close' });
		await new Promise((r) => setTimeout(r, 1000));
		for (const { closer, ticketId } of rounds) {
			const types = forTicket(ticketId).map((r) => r.json.type);
			assert.deepEqual(types, closer === 'rapidpro' ? [] : ['close-room'], `${closer} close of ${ticketId}`);
		}
		assert.ok(outcomes[201] + outcomes[404] === rounds.length);
	});

	it('gives up on a 401 from RapidPro after one attempt, logs why and shows it in /tickets status; later events still go', async () => {
		const rid = (await rp.openRoom('F-6', '3006')).json.id;
		receiver.queue({ status: 401, body: { status: 'unauthorized' } });
		await agentSays(rid, 'refused');
		await waitFor(() => /gave up delivering agent-message for ticket F-6 after 1 attempts: RapidPro answered HTTP 401/.test(host.output()), { what: 'the give-up log line' });
		await http(`${host.url}/api/v1/commands.run`, { method: 'POST', headers: auth.headers, json: { command: 'tickets', params: 'status', roomId: rid } });
		await waitFor(() => /Last given up: agent-message \(ticket F-6\): RapidPro answered HTTP 401/.test(host.output()), { what: 'the status notice' });
		await agentSays(rid, 'accepted');
		await waitFor(() => forTicket('F-6').length === 2, { what: 'the later message' });
		assert.deepEqual(forTicket('F-6').map((r) => r.json.data.text), ['refused', 'accepted']);
	});

	it('keeps events while RapidPro is down (connection refused) and delivers them in order once it is back', async () => {
		const rid = (await rp.openRoom('F-7', '3007')).json.id;
		await receiver.close();
		await agentSays(rid, 'down 1');
		await agentSays(rid, 'down 2');
		await http(`${host.url}/api/v1/livechat/room.closeByUser`, { method: 'POST', headers: auth.headers, json: { rid, comment: 'done' } });
		await waitFor(() => /agent-message for ticket F-7 not delivered \(attempt 1\): request failed/.test(host.output()), { what: 'a failed attempt' });
		receiver = await startReceiver({ port: receiverPort });
		await waitFor(() => forTicket('F-7').length >= 3, { timeoutMs: 60000, what: 'the deliveries once RapidPro is back' });
		assert.deepEqual(forTicket('F-7').map((r) => (r.json.type === 'close-room' ? 'close' : r.json.data.text)), ['down 1', 'down 2', 'close']);
	});
});
