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
/** The app's request timeout (s); the callback takes longer while it is "down". */
const REQUEST_TIMEOUT_S = 2;
/** How long the recovered callback takes to answer. */
const SLOW_ANSWER_MS = 1000;
/**
 * After recovery: the longest back-off an event can be in by then (40 s) plus
 * two passes (200 answers of 1 s, 8 tickets at a time: about 30 s).
 */
const DELIVERED_WITHIN_MS = 90000;

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
		// Down: every answer comes after the app's timeout. Up: still slow, 1 s each, within the timeout.
		receiver.respondWith((r) => (r.at < recoveredAt ? { delayMs: REQUEST_TIMEOUT_S * 1000 + 1000, status: 503 } : { delayMs: SLOW_ANSWER_MS, status: 200, body: { status: 'handled' } }));
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
		assert.equal(got.length, TICKETS * (MESSAGES + 1), 'each event once');
		tickets.forEach(({ ticketId }, t) => {
			assert.deepEqual(got.filter((r) => r.json.ticketId === ticketId).map(label), expected[t], `ticket ${ticketId} in order, close-room last`);
		});
	});
});
