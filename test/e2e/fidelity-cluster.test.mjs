// @ts-check
// The host's cluster mode (host/cluster.mjs, host/instance.mjs), in-process: two
// instances, each its own AppManager and Deno runtime over one store, copying
// what a Rocket.Chat cluster does for an app: events fire in the instance that
// performed the action, a setting saved through one instance reaches the app in
// every instance (apps.settingUpdated), an instance stops and starts while the
// other serves. (Agenda's one-run-per-job across instances is pinned in
// fidelity-scheduler.test.mjs.)
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startHost } from '../../host/server.mjs';
import { appUrl, ensurePackaged, http, login, startReceiver, waitFor } from './helpers/index.mjs';
import { rapidProClient } from './helpers/rapidpro-client.mjs';

const SECRET = 'CLUSTER3456789ABCDEFGHJKLMNPQRST';
const OTHER = 'CLUSTERB456789ABCDEFGHJKLMNPQRST';

const alive = (pid) => {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
};

describe('cluster mode: several instances over one store', () => {
	/** @type {any} */ let host;
	/** @type {Awaited<ReturnType<typeof login>>} */ let auth;
	/** @type {Awaited<ReturnType<typeof startReceiver>>} */ let receiver;
	const lines = [];
	const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'host-cluster-'));
	/** Events each instance's engine was given: "<instance>:<event>". */
	const events = [];
	/** Requests each instance served. */
	const served = { 1: 0, 2: 0 };

	const on = (k, secret = SECRET) => rapidProClient(appUrl(host.url, host.appId), secret);
	const pinned = (k) => ({ 'X-Instance': String(k) });
	const settingOf = (k, id) => host.cluster.instances[k - 1].manager.getOneById(host.appId).getStorageItem().settings[id].value;

	const spy = (instance) => {
		const listeners = instance.manager.getListenerManager();
		const execute = listeners.executeListener.bind(listeners);
		listeners.executeListener = (event, data) => {
			events.push(`${instance.id}:${event}`);
			return execute(event, data);
		};
		const serve = instance.serve.bind(instance);
		instance.serve = (fn) => {
			served[instance.id]++;
			return serve(fn);
		};
	};

	before(async () => {
		const appZip = await ensurePackaged();
		host = await startHost({ port: 0, dataDir, fresh: true, appZip, instances: 2, log: (l) => lines.push(l) });
		for (const instance of host.cluster.instances) spy(instance);
		auth = await login(host.url);
		receiver = await startReceiver();
		const res = await http(`${host.url}/api/apps/${host.appId}/settings`, { method: 'POST', headers: { ...auth.headers, ...pinned(1) }, json: { settings: [{ id: 'app_secret', value: SECRET }] } });
		assert.equal(res.status, 200, res.text);
		await waitFor(() => settingOf(2, 'app_secret') === SECRET, { what: 'the secret to reach instance 2' });
		assert.equal((await on(1).call('PUT', 'settings', { webhook: { url: `${receiver.url}/cb` } }, pinned(1))).status, 204);
	});

	after(async () => {
		await receiver?.close();
		await host?.close();
		fs.rmSync(dataDir, { recursive: true, force: true });
	});

	it('gives each instance its own AppManager and Deno runtime', async () => {
		const res = await http(`${host.url}/api/host/instances`, { headers: auth.headers });
		const pids = res.json.instances.map((i) => i.runtimes[0]);
		assert.equal(pids.length, 2);
		assert.notEqual(pids[0], pids[1]);
		assert.ok(pids.every(alive), 'both runtimes run');
		assert.notEqual(host.cluster.instances[0].manager, host.cluster.instances[1].manager);
	});

	it('fires each event in the instance that performed the action (Rocket.Chat: callbacks run where the method ran)', async () => {
		events.length = 0;
		const open = await on(2).call('GET', 'room', { ticketID: 'C-1', visitor: { token: '9101' } }, pinned(2));
		assert.equal(open.status, 200, open.text);
		const rid = open.json.id;
		await host.settle();
		assert.ok(events.includes('2:IPostLivechatRoomStarted'), `room started in 2: ${events}`);
		assert.ok(!events.some((e) => e.startsWith('1:')), `nothing fired in 1: ${events}`);
		assert.ok(lines.some((l) => /^\[app Tickets @2\] INFO api:room:get: ticket C-1 opened/.test(l)), 'the app\'s log line names its instance');

		events.length = 0;
		const sent = await http(`${host.url}/api/v1/chat.sendMessage`, { method: 'POST', headers: { ...auth.headers, ...pinned(1) }, json: { message: { rid, msg: 'from instance 1' } } });
		assert.equal(sent.status, 200, sent.text);
		await host.settle();
		assert.deepEqual(events.filter((e) => /IPostMessageSent/.test(e)), ['1:IPostMessageSent']);

		events.length = 0;
		const closed = await http(`${host.url}/api/v1/livechat/room.closeByUser`, { method: 'POST', headers: { ...auth.headers, ...pinned(2) }, json: { rid, comment: 'done' } });
		assert.equal(closed.status, 200, closed.text);
		await host.settle();
		assert.deepEqual(events.filter((e) => /RoomClosed/.test(e)), ['2:IPostLivechatRoomClosed']);
		const t0 = Date.now();
		await waitFor(() => receiver.requests.some((r) => r.json?.type === 'close-room' && r.json.ticketId === 'C-1'), { timeoutMs: 20000, what: 'close-room' }).catch((e) => {
			const got = receiver.requests.filter((r) => r.json?.ticketId === 'C-1').map((r) => `${r.json.type} at ${r.at - t0} ms`);
			throw new Error(`${e.message}; RapidPro got (ms after the close): ${got.join(', ')}; the host said:\n${lines.filter((l) => !/DEBUG/.test(l)).slice(-40).join('\n')}`);
		});
	});

	it('brings a setting saved through one instance to the app in the other (apps.settingUpdated broadcast)', async () => {
		const res = await http(`${host.url}/api/apps/${host.appId}/settings`, { method: 'POST', headers: { ...auth.headers, ...pinned(1) }, json: { settings: [{ id: 'app_secret', value: OTHER }] } });
		assert.equal(res.status, 200, res.text);
		await waitFor(() => settingOf(2, 'app_secret') === OTHER, { what: 'the new secret in instance 2' });
		// The app in instance 2 reads it within its own refresh time (a 5 s cache).
		await waitFor(async () => (await on(2, OTHER).call('GET', 'secret.check', undefined, pinned(2))).status === 204, { timeoutMs: 15000, what: 'instance 2 to take the new secret' });
		assert.equal((await on(2, SECRET).call('GET', 'secret.check', undefined, pinned(2))).status, 401, 'the old secret is refused there');
		assert.equal((await on(1, OTHER).call('GET', 'secret.check', undefined, pinned(1))).status, 204);
	});

	it('spreads requests round robin over the running instances; X-Instance names one', async () => {
		served[1] = served[2] = 0;
		for (let i = 0; i < 6; i++) await http(`${host.url}/api/info`);
		assert.deepEqual(served, { 1: 3, 2: 3 });
		const bad = await http(`${host.url}/api/info`, { headers: { 'X-Instance': '3' } });
		assert.equal(bad.status, 400);
		assert.match(bad.json.error, /No instance 3/);
		const junk = await http(`${host.url}/api/info`, { headers: { 'X-Instance': 'one' } });
		assert.equal(junk.status, 400);
	});

	it('stops one instance (its runtime killed, out of the rotation) and starts it again with the stored app enabled', async () => {
		const before = (await http(`${host.url}/api/host/instances`, { headers: auth.headers })).json.instances[1].runtimes[0];
		const stop = await http(`${host.url}/api/host/instances/2/stop`, { method: 'POST', headers: { ...auth.headers, ...pinned(1) } });
		assert.equal(stop.status, 200, stop.text);
		await waitFor(() => !alive(before), { what: 'instance 2\'s runtime to exit' });
		const refused = await on(2, OTHER).call('GET', 'secret.check', undefined, pinned(2));
		assert.equal(refused.status, 503);
		assert.match(refused.json.error, /Instance 2 is stopped/);
		served[1] = served[2] = 0;
		for (let i = 0; i < 4; i++) assert.equal((await on(1, OTHER).secretCheck()).status, 204);
		assert.deepEqual(served, { 1: 4, 2: 0 }, 'only instance 1 serves');
		const last = await http(`${host.url}/api/host/instances/1/stop`, { method: 'POST', headers: auth.headers });
		assert.equal(last.status, 409, 'the last running instance is not stopped');
		const unknown = await http(`${host.url}/api/host/instances/9/stop`, { method: 'POST', headers: auth.headers });
		assert.equal(unknown.status, 400);
		assert.match(unknown.json.error, /No instance 9: the host runs instances 1 to 2/);

		const start = await http(`${host.url}/api/host/instances/2/start`, { method: 'POST', headers: auth.headers });
		assert.equal(start.status, 200, start.text);
		const after = start.json.instance.runtimes[0];
		assert.ok(after && after !== before && alive(after), 'a new runtime');
		assert.equal((await on(2, OTHER).call('GET', 'secret.check', undefined, pinned(2))).status, 204, 'the restarted instance serves the app with the current settings');
	});
});
