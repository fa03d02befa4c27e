// @ts-check
// The host's own surface, as rc-apps, admin scripts and RapidPro use it.
// Runs against a real Rocket.Chat too (E2E_URL…), except the restart test.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { http, login, startHostProcess } from './helpers/index.mjs';

describe('development host', () => {
	/** @type {Awaited<ReturnType<typeof startHostProcess>>} */
	let host;
	/** @type {Awaited<ReturnType<typeof login>>} */
	let auth;

	before(async () => {
		host = await startHostProcess();
		auth = await login(host.url);
	});

	after(async () => {
		if (host) assert.equal(await host.stop(), 0, 'the host exits 0 on SIGTERM');
	});

	it('answers /api/info with a Rocket.Chat 7 version, also with a doubled slash', async () => {
		for (const path of ['/api/info', '//api/info']) {
			const res = await http(`${host.url}${path}`);
			assert.equal(res.status, 200);
			assert.equal(res.json.success, true);
			assert.match(res.json.version, /^[78]\.\d+\.\d+/);
		}
	});

	it('logs in with username or user, and refuses a wrong password', async () => {
		for (const key of ['username', 'user']) {
			const res = await http(`${host.url}/api/v1/login`, { method: 'POST', json: { [key]: 'admin', password: 'admin' } });
			assert.equal(res.json.status, 'success');
			assert.ok(res.json.data.userId && res.json.data.authToken);
		}
		const bad = await http(`${host.url}/api/v1/login`, { method: 'POST', json: { username: 'admin', password: 'nope' } });
		assert.equal(bad.status, 401);
	});

	it('answers 401 without X-User-Id/X-Auth-Token', async () => {
		const res = await http(`${host.url}/api/apps`);
		assert.equal(res.status, 401);
		assert.equal(res.json.success, false);
	});

	it('lists the installed app, enabled', async () => {
		const res = await http(`${host.url}/api/apps`, { headers: auth.headers });
		assert.equal(res.json.success, true);
		const app = res.json.apps.find((a) => a.id === host.appId);
		assert.ok(app, 'the app is listed');
		assert.match(app.status, /enabled/);
		const one = await http(`${host.url}/api/apps/${host.appId}`, { headers: auth.headers });
		assert.equal(one.json.success, true);
		assert.equal(one.json.app.id, host.appId);
		const unknown = await http(`${host.url}/api/apps/00000000-0000-4000-8000-000000000000`, { headers: auth.headers });
		assert.equal(unknown.json.success, false);
	});

	it('sets and reads app settings by id', async () => {
		const before = await http(`${host.url}/api/apps/${host.appId}/settings`, { headers: auth.headers });
		assert.equal(before.json.success, true);
		const ids = Object.keys(before.json.settings);
		assert.ok(ids.includes('app_secret'), `app_secret among ${ids}`);
		const set = await http(`${host.url}/api/apps/${host.appId}/settings`, { method: 'POST', headers: auth.headers, json: { settings: [{ id: 'app_secret', value: 'S3CRET' }] } });
		assert.equal(set.json.success, true);
		const afterSet = await http(`${host.url}/api/apps/${host.appId}/settings`, { headers: auth.headers });
		assert.equal(afterSet.json.settings.app_secret.value, 'S3CRET');
	});

	it('keeps the installed app and its settings across a restart', async (t) => {
		if (host.remote) return t.skip('restart is host-only');
		await http(`${host.url}/api/apps/${host.appId}/settings`, { method: 'POST', headers: auth.headers, json: { settings: [{ id: 'app_secret', value: 'KEPT' }] } });
		await host.restart();
		assert.match(host.output(), /ready at/);
		auth = await login(host.url);
		const app = await http(`${host.url}/api/apps/${host.appId}`, { headers: auth.headers });
		assert.match(app.json.app.status, /enabled/);
		const settings = await http(`${host.url}/api/apps/${host.appId}/settings`, { headers: auth.headers });
		assert.equal(settings.json.settings.app_secret.value, 'KEPT');
	});

	it('counts bridge calls (host-only endpoint)', async (t) => {
		if (host.remote) return t.skip('host-only');
		const res = await http(`${host.url}/api/host/bridge-calls`, { headers: auth.headers });
		assert.equal(res.json.success, true);
		assert.equal(typeof res.json.calls, 'object');
		const reset = await http(`${host.url}/api/host/bridge-calls/reset`, { method: 'POST', headers: auth.headers });
		assert.equal(reset.json.success, true);
	});

	it('reports its own memory to an admin, for the soak (host-only endpoint)', async (t) => {
		if (host.remote) return t.skip('host-only');
		assert.equal((await http(`${host.url}/api/host/memory`, {})).status, 401);
		const res = await http(`${host.url}/api/host/memory`, { headers: auth.headers });
		assert.equal(res.json.success, true);
		assert.equal(res.json.pid, host.pid(), 'the host process, not a runtime');
		assert.ok(res.json.heapUsed > 0 && res.json.heapUsed <= res.json.heapTotal, `heap ${res.json.heapUsed} of ${res.json.heapTotal}`);
		assert.ok(res.json.rss > res.json.heapUsed, 'RSS holds the heap');
		// With ?gc=1 the garbage is collected first: what is left is less than a heap full of fresh garbage.
		const garbage = [];
		for (let i = 0; i < 20; i++) await http(`${host.url}/api/host/stats`, { headers: auth.headers }).then((r) => garbage.push(r.status));
		const before = (await http(`${host.url}/api/host/memory`, { headers: auth.headers })).json.heapUsed;
		const live = (await http(`${host.url}/api/host/memory?gc=1`, { headers: auth.headers })).json.heapUsed;
		assert.ok(live < before, `heap after a full GC (${live}) is below the heap before it (${before})`);
	});
});
