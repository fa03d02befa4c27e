// @ts-check
// Webhook delivery on Rocket.Chat's scheduler (Agenda: delivery jobs run one at
// a time) behind a RapidPro that is slow: 50 tickets each build a backlog while
// the callback times out, then it recovers but still answers slowly. Every
// event arrives once, in order per ticket, close-room last, within a bound.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { appUrl, http, login, setAppSettings, startHostProcess, startReceiver, waitFor } from './helpers/index.mjs';
import { rapidProClient } from './helpers/rapidpro-client.mjs';

const SECRET = 'SLOWRAPIDPRO3456789ABCDEFGHJKLMN';
const TICKETS = 50;
const MESSAGES = 3;
/**
 * The app's request timeout (s). The "down" and "slow" answers are seconds either side of
 * it, not a fraction: with files running two at a time on a loaded CPU, a 1 s answer to a
 * 2 s timeout was once seen timing out, and the app rightly sent that event again
 * (at-least-once), which this test would count as a duplicate.
 */
const REQUEST_TIMEOUT_S = 6;
/** While "down", the callback answers this long after the app gave up on it. */
const DOWN_ANSWER_MS = REQUEST_TIMEOUT_S * 1000 + 4000;
/** How long the recovered callback takes to answer: slow, but 5 s inside the timeout. */
const SLOW_ANSWER_MS = 1000;
/**
 * After recovery: the longest back-off an event can be in by then (two failed attempts
 * of 6 s before the recovery: the 10 s back-off, ending at most about 20 s after it),
 * plus the backlog (200 answers of 1 s, 8 tickets at a time: about 30 s with the passes'
 * gaps), with room for a loaded machine.
 */
const DELIVERED_WITHIN_MS = 120000;

describe('webhook delivery behind a slow RapidPro, with Agenda-like one-at-a-time jobs', () => {
	/** @type {Awaited<ReturnType<typeof startHostProcess>>} */ let host;
	/** @type {Awaited<ReturnType<typeof login>>} */ let auth;
	/** @type {Awaited<ReturnType<typeof startReceiver>>} */ let receiver;

	before(async () => {
		host = await startHostProcess();
		auth = await login(host.url);
		receiver = await startReceiver();
		await setAppSettings(host.url, auth, host.appId, { app_secret: SECRET, request_timeout: REQUEST_TIMEOUT_S });
		const rp = rapidProClient(appUrl(host.url, host.appId), SECRET);
		await waitFor(async () => (await rp.secretCheck()).status === 204, { what: 'the secret to apply' });
		assert.equal((await rp.settings(`${receiver.url}/callback`)).status, 204);
	});

	after(async () => {
		await receiver?.close();
		if (host) await host.stop();
	});

	it('delivers a backlog of 50 tickets once each, in order, close-room last, once the callback recovers', { timeout: 400000 }, async () => {
		const rp = rapidProClient(appUrl(host.url, host.appId), SECRET);
		let recoveredAt = Infinity;
		// Down: every answer comes 4 s after the app's timeout. Up: still slow, 1 s each, 5 s within the timeout.
		receiver.respondWith((r) => (r.at < recoveredAt ? { delayMs: DOWN_ANSWER_MS, status: 503 } : { delayMs: SLOW_ANSWER_MS, status: 200, body: { status: 'handled' } }));
		const tickets = [];
		for (let t = 0; t < TICKETS; t++) {
			const res = await rp.openRoom(`S-${t}`, String(5000 + t));
			assert.equal(res.status, 200, res.text);
			tickets.push({ ticketId: `S-${t}`, rid: res.json.id });
		}
		// Each ticket's messages are written in order; tickets side by side, as agents would.
		await Promise.all(tickets.map(async ({ rid }, t) => {
			for (let k = 0; k < MESSAGES; k++) {
				const res = await http(`${host.url}/api/v1/chat.sendMessage`, { method: 'POST', headers: auth.headers, json: { message: { rid, msg: `s${t} m${k}` } } });
				assert.equal(res.json.success, true, res.text);
			}
			const closed = await http(`${host.url}/api/v1/livechat/room.closeByUser`, { method: 'POST', headers: auth.headers, json: { rid, comment: 'bye' } });
			assert.equal(closed.json.success, true, closed.text);
		}));
		await waitFor(() => receiver.requests.length >= TICKETS, { timeoutMs: 60000, what: 'failed attempts while the callback is down' });
		await new Promise((r) => setTimeout(r, 10000));
		recoveredAt = Date.now();

		const expected = tickets.map((_, t) => [...Array.from({ length: MESSAGES }, (__, k) => `s${t} m${k}`), 'close']);
		const delivered = () => receiver.requests.filter((r) => r.at >= recoveredAt && r.json);
		const label = (r) => (r.json.type === 'close-room' ? 'close' : r.json.data.text);
		await waitFor(() => new Set(delivered().map((r) => `${r.json.ticketId}/${label(r)}`)).size >= TICKETS * (MESSAGES + 1), {
			timeoutMs: DELIVERED_WITHIN_MS,
			what: `all ${TICKETS * (MESSAGES + 1)} events within ${DELIVERED_WITHIN_MS / 1000} s of the recovery`,
		}).catch((e) => {
			throw new Error(`${e.message}: got ${delivered().length}; host said:\n${host.output().slice(-3000)}`);
		});
		const drainedMs = Date.now() - recoveredAt;
		await new Promise((r) => setTimeout(r, 3000)); // late duplicates
		const got = delivered();
		console.log(`slow RapidPro: ${got.length} events delivered ${drainedMs} ms after recovery`);
		const seen = new Map();
		for (const r of got) seen.set(`${r.json.ticketId}/${label(r)}`, (seen.get(`${r.json.ticketId}/${label(r)}`) || 0) + 1);
		const twice = [...seen].filter(([, n]) => n > 1).map(([k, n]) => `${k} ×${n}`);
		const retried = host.output().split('\n').filter((l) => /not delivered \(attempt/.test(l)).slice(-20).join('\n');
		assert.equal(got.length, TICKETS * (MESSAGES + 1), `each event once; more than once: ${twice.join(', ')}; the host's last failed attempts:\n${retried}`);
		tickets.forEach(({ ticketId }, t) => {
			assert.deepEqual(got.filter((r) => r.json.ticketId === ticketId).map(label), expected[t], `ticket ${ticketId} in order, close-room last`);
		});
	});
});
