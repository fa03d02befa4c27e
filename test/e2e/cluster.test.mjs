// @ts-check
// The app in a Rocket.Chat cluster: the host started with `--instances 2`
// (two AppManagers, two Deno runtimes, one store, one port), RapidPro and the
// agent each reaching whichever instance the balancer picks (here named with
// X-Instance, so every case crosses instances on purpose).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { appUrl, http, login, startHostProcess, startReceiver, waitFor } from './helpers/index.mjs';
import { rapidProClient } from './helpers/rapidpro-client.mjs';

const SECRET = 'CLUSTERE2E56789ABCDEFGHJKLMNPQRS';
const NEXT_SECRET = 'CLUSTERE2F56789ABCDEFGHJKLMNPQRS';

describe('the app across two instances', () => {
	/** @type {Awaited<ReturnType<typeof startHostProcess>>} */ let host;
	/** @type {Awaited<ReturnType<typeof login>>} */ let auth;
	/** @type {Awaited<ReturnType<typeof startReceiver>>} */ let receiver;
	let secret = SECRET;
	let down = false;
	/** What RapidPro accepted (answered 200), in arrival order. */
	const accepted = [];

	const at = (k) => ({ 'X-Instance': String(k) });
	const rp = (k, s = secret) => {
		const client = rapidProClient(appUrl(host.url, host.appId), s);
		return {
			openRoom: (ticketID, token) => client.call('GET', 'room', { ticketID, visitor: { token } }, at(k)),
			visitorMessage: (token, text) => client.call('POST', 'visitor-message', { visitor: { token }, text }, at(k)),
			settings: (url) => client.call('PUT', 'settings', { webhook: { url } }, at(k)),
			secretCheck: () => client.call('GET', 'secret.check', undefined, at(k)),
		};
	};
	const agentSays = (k, rid, msg) => http(`${host.url}/api/v1/chat.sendMessage`, { method: 'POST', headers: { ...auth.headers, ...at(k) }, json: { message: { rid, msg } } });
	const closeAsAgent = (k, rid) => http(`${host.url}/api/v1/livechat/room.closeByUser`, { method: 'POST', headers: { ...auth.headers, ...at(k) }, json: { rid, comment: 'done' } });
	const hostOnly = (path, k = 1) => http(`${host.url}/api/host/${path}`, { method: 'POST', headers: { ...auth.headers, ...at(k) } });
	const events = (ticketId) => accepted.filter((r) => r.json?.ticketId === ticketId).map((r) => (r.json.type === 'close-room' ? 'close-room' : r.json.data.text));
	const roomTexts = async (rid) =>
		(await http(`${host.url}/api/v1/chat.syncMessages?roomId=${rid}&lastUpdate=${new Date(0).toISOString()}`, { headers: auth.headers })).json.result.updated
			.filter((m) => !m.t)
			.sort((a, b) => Date.parse(a.ts) - Date.parse(b.ts))
			.map((m) => m.msg);
	const QUEUED = 'misc:tickets:outbox:entry:';
	const queued = async () =>
		(await http(`${host.url}/api/host/stats?prefix=${QUEUED}`, { headers: auth.headers })).json.apps[host.appId].associations[`${QUEUED}*`];
	const openRoomsOf = async (token) =>
		(await http(`${host.url}/api/v1/livechat/rooms?open=true&count=1000`, { headers: auth.headers })).json.rooms.filter((r) => r.v.token === token);

	before(async () => {
		host = await startHostProcess({ args: ['--instances', '2'] });
		auth = await login(host.url);
		receiver = await startReceiver();
		receiver.respondWith((r) => {
			if (down) return { status: 503, body: { error: 'down' } };
			accepted.push(r);
			return { status: 200, body: { status: 'handled' } };
		});
		const res = await http(`${host.url}/api/apps/${host.appId}/settings`, { method: 'POST', headers: { ...auth.headers, ...at(1) }, json: { settings: [{ id: 'app_secret', value: SECRET }, { id: 'request_timeout', value: 2 }] } });
		assert.equal(res.status, 200, res.text);
		await waitFor(async () => (await rp(1).secretCheck()).status === 204 && (await rp(2).secretCheck()).status === 204, { timeoutMs: 15000, what: 'the secret on both instances' });
		assert.equal((await rp(2).settings(`${receiver.url}/callback`)).status, 204);
	});

	after(async () => {
		await receiver?.close();
		if (host) await host.stop();
	});

	it('opens one room for a /room retried concurrently through both instances', async () => {
		const answers = await Promise.all([1, 2, 1, 2, 1, 2].map((k) => rp(k).openRoom('K-1', '8101')));
		for (const a of answers) assert.equal(a.status, 200, a.text);
		const ids = new Set(answers.map((a) => a.json.id));
		assert.equal(ids.size, 1, `every answer names one room: ${[...ids]}`);
		assert.deepEqual((await openRoomsOf('8101')).map((r) => r._id), [...ids]);
	});

	it('keeps a contact\'s messages and the agent\'s replies in order when each goes through another instance', async () => {
		const rid = (await rp(1).openRoom('K-2', '8102')).json.id;
		const said = Array.from({ length: 10 }, (_, i) => `contact ${i}`);
		for (const [i, text] of said.entries()) assert.equal((await rp((i % 2) + 1).visitorMessage('8102', text)).status, 201);
		assert.deepEqual(await roomTexts(rid), said);
		const replies = Array.from({ length: 10 }, (_, i) => `agent ${i}`);
		for (const [i, text] of replies.entries()) assert.equal((await agentSays((i % 2) + 1, rid, text)).status, 200);
		await waitFor(() => events('K-2').length >= replies.length, { timeoutMs: 30000, what: 'the replies at RapidPro' });
		assert.deepEqual(events('K-2'), replies);
	});

	it("holds an agent's reply back while the earlier one's event is still on its way from an instance running behind", async () => {
		const rid = (await rp(1).openRoom('K-5', '8105')).json.id;
		const lag = (k, ms) => http(`${host.url}/api/host/instances/${k}/event-delay?ms=${ms}`, { method: 'POST', headers: auth.headers });
		assert.equal((await lag(1, 1500)).status, 200);
		try {
			// 'first' is saved by instance 1, whose runtime sees it 1.5 s late; 'second' is handled by instance 2 at once
			assert.equal((await agentSays(1, rid, 'first')).status, 200);
			assert.equal((await agentSays(2, rid, 'second')).status, 200);
			await waitFor(() => events('K-5').length >= 2, { timeoutMs: 30000, what: 'both replies at RapidPro' });
			assert.deepEqual(events('K-5'), ['first', 'second']);
		} finally {
			await lag(1, 0);
		}
		assert.equal((await lag(1, 10001)).status, 400);
	});

	it('delivers every event once, in order, close-room last, with RapidPro down while an instance restarts', async () => {
		const rid = (await rp(2).openRoom('K-3', '8103')).json.id;
		down = true;
		const sent = [];
		const say = async (k, text) => {
			assert.equal((await agentSays(k, rid, text)).status, 200);
			sent.push(text);
		};
		for (let i = 0; i < 4; i++) await say((i % 2) + 1, `before ${i}`);
		// Each reply's event has reached the app's queue before its instance stops. One still in a
		// handler when the instance dies is lost, in Rocket.Chat too (post-events are not awaited).
		await waitFor(async () => (await queued()) === 4, { what: 'the four replies queued' });
		const stop = await hostOnly('instances/2/stop');
		assert.equal(stop.status, 200, stop.text);
		for (let i = 0; i < 3; i++) await say(1, `while 2 is down ${i}`);
		const start = await hostOnly('instances/2/start');
		assert.equal(start.status, 200, start.text);
		for (let i = 0; i < 3; i++) await say((i % 2) + 1, `after ${i}`);
		assert.equal((await closeAsAgent(2, rid)).status, 200);
		down = false;
		await waitFor(() => events('K-3').includes('close-room'), { timeoutMs: 90000, intervalMs: 250, what: 'close-room after the outage' });
		await new Promise((r) => setTimeout(r, 2000)); // a duplicate would arrive now
		assert.deepEqual(events('K-3'), [...sent, 'close-room'], host.output().slice(-6000));
	});

	it('applies a setting changed through one instance on the other, within the app\'s refresh time', async () => {
		const res = await http(`${host.url}/api/apps/${host.appId}/settings`, { method: 'POST', headers: { ...auth.headers, ...at(2) }, json: { settings: [{ id: 'app_secret', value: NEXT_SECRET }] } });
		assert.equal(res.status, 200, res.text);
		const changedAt = Date.now();
		await waitFor(async () => (await rp(1, NEXT_SECRET).secretCheck()).status === 204, { timeoutMs: 15000, what: 'instance 1 to take the new secret' });
		const took = Date.now() - changedAt;
		assert.ok(took < 7000, `instance 1 took ${took} ms (the app refreshes settings every 5 s)`);
		assert.equal((await rp(1, SECRET).secretCheck()).status, 401, 'the old secret is refused on instance 1');
		assert.equal((await rp(2, NEXT_SECRET).secretCheck()).status, 204);
		secret = NEXT_SECRET;

		// RapidPro's own setting (the callback URL), registered through one instance, steers deliveries from the other.
		assert.equal((await rp(1).settings(`${receiver.url}/moved`)).status, 204);
		const rid = (await rp(1).openRoom('K-4', '8104')).json.id;
		await new Promise((r) => setTimeout(r, 5500));
		assert.equal((await agentSays(2, rid, 'to the new URL')).status, 200);
		await waitFor(() => events('K-4').length === 1, { timeoutMs: 20000, what: 'the reply' });
		assert.equal(accepted.find((r) => r.json?.ticketId === 'K-4').path, '/moved');
	});
});
