// @ts-check
// Webhook delivery through faults: RapidPro down, slow, refusing, hanging up,
// and the host restarting with deliveries queued. Each case states its outcome:
// delivered later in order, or given up with a logged reason.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { appUrl, http, login, setAppSettings, startHostProcess, startReceiver, waitFor } from './helpers/index.mjs';
import { rapidProClient } from './helpers/rapidpro-client.mjs';

const SECRET = 'DELIVERY23456789ABCDEFGHJKLMNPQR';
/**
 * The app's request timeout (s): long enough that an immediate answer never times out on a
 * loaded machine (a timed-out 200 is sent again, rightly, and would show as a duplicate here);
 * the "slow" answer below is seconds past it.
 */
const REQUEST_TIMEOUT_S = 4;
const SLOW_ANSWER_MS = REQUEST_TIMEOUT_S * 1000 + 4000;

describe('webhook delivery through faults', () => {
	/** @type {Awaited<ReturnType<typeof startHostProcess>>} */ let host;
	/** @type {Awaited<ReturnType<typeof login>>} */ let auth;
	/** @type {Awaited<ReturnType<typeof startReceiver>>} */ let receiver;
	/** @type {ReturnType<typeof rapidProClient>} */ let rp;

	const agentSays = (rid, msg) => http(`${host.url}/api/v1/chat.sendMessage`, { method: 'POST', headers: auth.headers, json: { message: { rid, msg } } });
	const forTicket = (ticketId) => receiver.requests.filter((r) => r.json?.ticketId === ticketId);
	const texts = (requests) => requests.map((r) => (r.json.type === 'close-room' ? 'close' : r.json.data.text));
	let ticketNo = 0;
	const newTicket = async () => {
		ticketNo += 1;
		const res = await rp.openRoom(`D-${ticketNo}`, String(2000 + ticketNo));
		assert.equal(res.status, 200, res.text);
		return { ticketId: `D-${ticketNo}`, rid: res.json.id };
	};

	before(async () => {
		host = await startHostProcess();
		auth = await login(host.url);
		receiver = await startReceiver();
		rp = rapidProClient(appUrl(host.url, host.appId), SECRET);
		await setAppSettings(host.url, auth, host.appId, { app_secret: SECRET, request_timeout: REQUEST_TIMEOUT_S });
		await waitFor(async () => (await rp.secretCheck()).status === 204, { what: 'the secret to apply' });
		assert.equal((await rp.settings(`${receiver.url}/callback`)).status, 204);
	});

	after(async () => {
		await receiver?.close();
		if (host) await host.stop();
	});

	it('retries a 500 and a 429 and delivers in order once RapidPro answers 200', async () => {
		const { ticketId, rid } = await newTicket();
		receiver.queue({ status: 500, body: { error: 'boom' } }, { status: 429 });
		await agentSays(rid, 'one');
		await agentSays(rid, 'two');
		await waitFor(() => forTicket(ticketId).length >= 4, { timeoutMs: 30000, what: 'retried deliveries' });
		const all = forTicket(ticketId);
		// The first two answers failed; what RapidPro accepted afterwards is in order, each once.
		assert.deepEqual(texts(all.slice(2)), ['one', 'two']);
		assert.equal(texts(all.slice(0, 2)).every((t) => t === 'one'), true, 'nothing overtook the failing head');
		assert.ok(all[2].at - all[1].at >= 4000, 'back-off before the retry');
	});

	it('retries a request that times out and one whose connection is closed mid-answer', async () => {
		const { ticketId, rid } = await newTicket();
		receiver.queue({ delayMs: SLOW_ANSWER_MS }, { destroy: true });
		await agentSays(rid, 'slow');
		// Timed out after 4 s, 5 s back-off, hung up on, 10 s back-off: the third try about 20 s in.
		await waitFor(() => forTicket(ticketId).length >= 3, { timeoutMs: 60000, what: 'delivery after a timeout and a hang-up' });
		assert.deepEqual(texts(forTicket(ticketId)), ['slow', 'slow', 'slow']);
		assert.match(host.output(), /not delivered \(attempt 1\): request failed/);
	});

	it('gives up on a 4xx with a logged reason, and still delivers the ticket\'s later events', async () => {
		const { ticketId, rid } = await newTicket();
		receiver.queue({ status: 404, body: { status: 'unknown ticket' } });
		await agentSays(rid, 'lost cause');
		await waitFor(() => /gave up delivering agent-message for ticket D-\d+ after 1 attempts: RapidPro answered HTTP 404/.test(host.output()), { what: 'the give-up log line' });
		await agentSays(rid, 'after');
		await waitFor(() => forTicket(ticketId).length === 2, { what: 'the later message' });
		assert.deepEqual(texts(forTicket(ticketId)), ['lost cause', 'after']);
	});

	it('lists given-up deliveries in /tickets status and sends them again on /tickets retry', async () => {
		const ticketId = 'D-3';
		const rid = (await rp.openRoom(ticketId, '2003')).json.id;
		const run = (params) => http(`${host.url}/api/v1/commands.run`, { method: 'POST', headers: auth.headers, json: { command: 'tickets', params, roomId: rid } });
		const status = await run('status');
		assert.equal(status.json.success, true, status.text);
		await waitFor(() => /notice to admin: \*Tickets — integration status\*/.test(host.output()), { what: 'the status notice' });
		const notice = host.output().slice(host.output().lastIndexOf('*Tickets — integration status*'));
		assert.match(notice, /App Secret: set/);
		assert.match(notice, /RapidPro webhook: 127\.0\.0\.1:\d+/);
		assert.match(notice, /Webhooks given up: 1/);
		assert.match(notice, /Last given up: agent-message \(ticket D-3\): RapidPro answered HTTP 404/);
		assert.doesNotMatch(notice, new RegExp(SECRET), 'the secret is never shown');
		const countBefore = forTicket(ticketId).length;
		const retry = await run('retry');
		assert.equal(retry.json.success, true, retry.text);
		await waitFor(() => /notice to admin: 1 given-up webhook\(s\) queued again\./.test(host.output()), { what: 'the retry notice' });
		await waitFor(() => forTicket(ticketId).length > countBefore, { what: 'the retried delivery' });
		assert.equal(forTicket(ticketId).at(-1).json.data.text, 'lost cause');
	});

	it('keeps one delivery job per moment, not one per ticket, while many tickets wait for RapidPro', async () => {
		const jobs = async () => (await http(`${host.url}/api/host/stats`, { headers: auth.headers })).json.collections.jobs;
		const before = await jobs();
		let down = true;
		receiver.respondWith(() => (down ? { status: 503 } : { status: 200, body: { status: 'handled' } }));
		try {
			const tickets = [];
			let most = before;
			for (let i = 0; i < 30; i++) {
				const t = await newTicket();
				tickets.push(t);
				// 'a' fails and waits for its retry; 'b' waits behind it
				assert.equal((await agentSays(t.rid, 'a')).status, 200);
				assert.equal((await agentSays(t.rid, 'b')).status, 200);
				most = Math.max(most, await jobs());
			}
			// the app's recurring jobs, plus the next pass and, at most, a pass that asked to look again
			assert.ok(most - before <= 3, `the scheduler held ${most - before} more jobs with 30 tickets waiting`);
			down = false;
			await waitFor(() => tickets.every((t) => texts(forTicket(t.ticketId)).at(-1) === 'b'), { timeoutMs: 60000, what: 'every ticket delivered after RapidPro came back' });
			// 'a' as often as RapidPro refused it, then 'b' once: 'b' goes only after 'a' was accepted
			for (const t of tickets) assert.match(texts(forTicket(t.ticketId)).join(' '), /^(a )+b$/, t.ticketId);
		} finally {
			receiver.respondWith({ status: 200, body: { status: 'handled' } });
		}
	});

	it('keeps queued deliveries across a host restart and sends them afterwards, in order', async () => {
		const { ticketId, rid } = await newTicket();
		receiver.respondWith({ status: 503 });
		await agentSays(rid, 'before restart 1');
		await agentSays(rid, 'before restart 2');
		await http(`${host.url}/api/v1/livechat/room.closeByUser`, { method: 'POST', headers: auth.headers, json: { rid, comment: 'bye' } });
		await waitFor(() => forTicket(ticketId).length >= 1, { what: 'a first failed attempt' });
		assert.equal(await host.stop(), 0);
		receiver.reset();
		await host.restart();
		auth = await login(host.url);
		await waitFor(() => forTicket(ticketId).length >= 3, { timeoutMs: 60000, what: 'deliveries after the restart' }).catch((e) => {
			throw new Error(`${e.message}; got ${JSON.stringify(texts(forTicket(ticketId)))}; host said:\n${host.output().slice(-4000)}`);
		});
		assert.deepEqual(texts(forTicket(ticketId)), ['before restart 1', 'before restart 2', 'close']);
	});
});
