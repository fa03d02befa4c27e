// @ts-check
// What every measurement stands on: the host started as a child process
// (`host/cli.mjs --fresh`, as a user runs it), the app configured the way
// RapidPro connects it, a webhook receiver standing in for RapidPro's callback
// URL, and the calls RapidPro and an agent make, over HTTP.
import { appUrl, login, setAppSettings, startHostProcess, startReceiver, waitFor } from '../test/e2e/helpers/index.mjs';
import { closeConnections, expectStatus, request } from './http.mjs';

const SECRET = 'K7T2QWERTYZ3456789ABCDEFGHJKLMNP';
const HANDLED = { status: 200, body: { status: 'handled' } };

/**
 * @typedef {{ ticketId: string, token: string, rid: string }} OpenTicket
 * @typedef {{ ticketId: string, text: string, at: number }} Delivery
 */

/** @param {{ instances?: number }} [opts] instances: a cluster of that many (requests round robin over them) */
export async function startBenchHost({ instances = 1 } = {}) {
	const host = await startHostProcess({ args: ['--fresh', ...(instances > 1 ? ['--instances', String(instances)] : [])] });
	if (host.remote) throw new Error('the bench reads the host\'s bridge counters: run it against the development host, not E2E_URL');
	const auth = await login(host.url);
	const receiver = await startReceiver();
	const base = appUrl(host.url, host.appId);
	const rapidPro = { Authorization: `Token ${SECRET}` };

	/** Webhooks waited for by their text; what RapidPro accepted, in arrival order. */
	const waiting = new Map();
	/** @type {Delivery[]} */
	const delivered = [];
	/** @type {{ status: number, body?: any }} */
	let answer = HANDLED;
	receiver.respondWith((received) => {
		const given = answer;
		const text = received.json?.data?.text;
		if (given.status < 300) {
			delivered.push({ ticketId: received.json?.ticketId, text, at: received.at });
			waiting.get(text)?.();
			waiting.delete(text);
		}
		return given;
	});

	const bench = {
		url: host.url,
		appId: host.appId,
		auth,
		delivered,
		receivedCount: () => receiver.requests.length,
		/** The receiver answers 503 (RapidPro down) until `recover()`. */
		failWebhooks: () => (answer = { status: 503, body: { status: 'unavailable' } }),
		recover: () => (answer = HANDLED),

		// RapidPro's calls, with mailroom's field names.
		secretCheck: async () => expectStatus(await request(`${base}/secret.check`, { headers: rapidPro }), 204, 'secret.check'),
		/** @returns {Promise<OpenTicket>} */
		openRoom: async (ticketId, token) => {
			const res = await request(`${base}/room`, {
				headers: rapidPro,
				json: { ticketID: ticketId, visitor: { token, contactUUID: `c0ffee00-0000-4000-8000-${token.padStart(12, '0')}` } },
			});
			return { ticketId, token, rid: expectStatus(res, 200, `room ${ticketId}`).json.id };
		},
		closeRoom: async (token) => expectStatus(await request(`${base}/room.close`, { headers: rapidPro, json: { visitor: { token } } }), 204, `room.close ${token}`),
		visitorMessage: async (token, text) =>
			expectStatus(await request(`${base}/visitor-message`, { method: 'POST', headers: rapidPro, json: { visitor: { token }, text } }), 201, 'visitor-message'),

		// The agent's.
		agentSays: async (rid, text) => {
			const res = await request(`${host.url}/api/v1/chat.sendMessage`, { method: 'POST', headers: auth.headers, json: { message: { rid, msg: text } } });
			if (!res.json?.success) throw new Error(`chat.sendMessage: ${res.status} ${res.text.slice(0, 300)}`);
		},
		/** Resolves when RapidPro has accepted the webhook with this text. Register before sending. */
		webhookFor: (text) => new Promise((resolve) => waiting.set(text, resolve)),

		// Host-only counters.
		resetBridgeCalls: async () => expectStatus(await request(`${host.url}/api/host/bridge-calls/reset`, { method: 'POST', headers: auth.headers }), 200, 'reset bridge calls'),
		/** @returns {Promise<Record<string, number>>} */
		bridgeCalls: async () => expectStatus(await request(`${host.url}/api/host/bridge-calls`, { headers: auth.headers }), 200, 'bridge calls').json.calls,
		/** The counters once the app has finished what the last operations set off (events, the rest of a drain). */
		settledBridgeCalls: async () => {
			let last = JSON.stringify(await bench.bridgeCalls());
			for (let i = 0; i < 30; i++) {
				await new Promise((r) => setTimeout(r, 150));
				const now = JSON.stringify(await bench.bridgeCalls());
				if (now === last) break;
				last = now;
			}
			return JSON.parse(last);
		},
		/** @returns {Promise<{ records: {count: number, bytes: number}, index: {count: number, bytes: number}, bytes: number }>} */
		persistence: async () => expectStatus(await request(`${host.url}/api/host/persistence-stats?appId=${host.appId}`, { headers: auth.headers }), 200, 'persistence stats').json,

		stop: async () => {
			closeConnections();
			await receiver.close();
			await host.stop();
		},
		output: () => host.output(),
	};

	await setAppSettings(host.url, auth, host.appId, { app_secret: SECRET });
	await waitFor(async () => (await request(`${base}/secret.check`, { headers: rapidPro })).status === 204, { what: 'the App Secret to apply' });
	// The sweep Rocket.Chat runs at startup (its first run looks back 20 minute slots) ends before anything is counted.
	const sweepCursor = 'misc:tickets:cursor:sweep';
	await waitFor(async () => (await request(`${host.url}/api/host/stats?association=${sweepCursor}`, { headers: auth.headers })).json?.apps?.[host.appId]?.associations?.[sweepCursor] === 1, { timeoutMs: 30000, what: 'the startup sweep' });
	expectStatus(await request(`${base}/settings`, { method: 'PUT', headers: rapidPro, json: { webhook: { url: `${receiver.url}/mr/tickets/types/rocketchat/event_callback/5e1f0d8b-0000-4000-8000-000000000001` } } }), 204, 'PUT /settings');
	return bench;
}
