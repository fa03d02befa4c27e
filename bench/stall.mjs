// @ts-check
// `npm run bench -- --stall`: measures the Apps-Engine `__proto__` stall (docs/security.md).
// A `__proto__` key anywhere in a JSON body never reaches the app on Rocket.Chat: the engine
// passes it to the app's Deno runtime, whose msgpack decoder refuses the key and stops
// reading, so the runtime answers nothing until the engine's liveness check restarts it.
// The app cannot see or stop it; docs/reverse-proxy.md refuses such bodies in front (tested
// by test/e2e/reverse-proxy.test.mjs). This prints how long the outage lasts and what became
// of an agent message sent during it. It takes about a minute.
import { appUrl, http, login, setAppSettings, startHostProcess, startReceiver, waitFor } from '../test/e2e/helpers/index.mjs';
import { rapidProClient } from '../test/e2e/helpers/rapidpro-client.mjs';

const SECRET = 'STALL23456789ABCDEFGHJKLMNPQRSTU';

/** @returns {Promise<{ outageMs: number, poisonedStatus: number, messageDuringOutage: 'lost' | 'delivered', restarted: boolean }>} */
export async function measureStall({ log = (line) => console.log(line) } = {}) {
	const host = await startHostProcess({ args: ['--fresh'], env: { APPS_ENGINE_RUNTIME_TIMEOUT: '5000' } });
	const receiver = await startReceiver();
	try {
		const auth = await login(host.url);
		const rp = rapidProClient(appUrl(host.url, host.appId), SECRET);
		await setAppSettings(host.url, auth, host.appId, { app_secret: SECRET });
		await waitFor(async () => (await rp.secretCheck()).status === 204, { what: 'the secret to apply' });
		await rp.settings(`${receiver.url}/cb`);
		const rid = (await rp.openRoom('U-1', '9101')).json.id;
		const agentSays = (msg) => http(`${host.url}/api/v1/chat.sendMessage`, { method: 'POST', headers: auth.headers, json: { message: { rid, msg } } });
		log('stall: sending {"__proto__": …} to /room');
		const started = Date.now();
		const poisoned = await http(`${appUrl(host.url, host.appId)}/room`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"__proto__":{"polluted":1}}' });
		await agentSays('during the outage');
		await waitFor(async () => (await rp.secretCheck()).status === 204, { timeoutMs: 120000, intervalMs: 1000, what: 'the runtime restarted' });
		const outageMs = Date.now() - started;
		await agentSays('after the outage');
		await waitFor(() => receiver.requests.some((r) => r.json?.data?.text === 'after the outage'), { what: 'the message after the outage' });
		const lost = !receiver.requests.some((r) => r.json?.data?.text === 'during the outage');
		return { outageMs, poisonedStatus: poisoned.status, messageDuringOutage: lost ? 'lost' : 'delivered', restarted: /Successfully restarted app subprocess/.test(host.output()) };
	} finally {
		await receiver.close();
		await host.stop();
	}
}
