// @ts-check
// The admin's path: the REAL `rc-apps deploy` (and `--update`) against the
// host, from a staging copy of the app (deploying from the repo root would zip
// host/, test/, package-lock.json…). Host-only: it starts an empty host.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { appUrl, http, login, setAppSettings, startHostProcess, startReceiver, waitFor, ROOT } from './helpers/index.mjs';
import { rapidProClient } from './helpers/rapidpro-client.mjs';

const run = promisify(execFile);

/** A copy of only the app's files, with node_modules linked in (rc-apps loads apps-engine from there). */
async function stageApp() {
	const { APP_ENTRIES } = await import(path.join(ROOT, 'host/package-app.mjs'));
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deploy-stage-'));
	for (const e of APP_ENTRIES) if (fs.existsSync(path.join(ROOT, e))) fs.cpSync(path.join(ROOT, e), path.join(dir, e), { recursive: true });
	fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
	return dir;
}

async function deploy(cwd, url, extra = []) {
	try {
		const { stdout, stderr } = await run(path.join(ROOT, 'node_modules/.bin/rc-apps'), ['deploy', '--url', url, '--username', 'admin', '--password', 'admin', ...extra], { cwd, env: { ...process.env, NO_COLOR: '1' } });
		return { code: 0, output: stdout + stderr };
	} catch (e) {
		const err = /** @type {any} */ (e);
		return { code: err.code, output: `${err.stdout}${err.stderr}` };
	}
}

describe('rc-apps deploy against the host', { skip: !!process.env.E2E_URL && 'host-only' }, () => {
	/** @type {Awaited<ReturnType<typeof startHostProcess>>} */
	let host;
	let stage = '';
	/** @type {Awaited<ReturnType<typeof startReceiver>>} */
	let receiver;
	let roomId = '';
	const SECRET = 'DEPLOY23456789ABCDEFGHJKLMNPQRST';
	const appId = JSON.parse(fs.readFileSync(path.join(ROOT, 'app.json'), 'utf8')).id;

	before(async () => {
		host = await startHostProcess({ env: { HOST_NO_INSTALL: '1' } });
		stage = await stageApp();
		receiver = await startReceiver();
	});

	after(async () => {
		if (host) await host.stop();
		await receiver?.close();
		if (stage) fs.rmSync(stage, { recursive: true, force: true });
	});

	it('installs the app with `rc-apps deploy` (trailing slash on --url too)', async () => {
		const { code, output } = await deploy(stage, `${host.url}/`);
		assert.equal(code, 0, output);
		const auth = await login(host.url);
		const res = await http(`${host.url}/api/apps/${appId}`, { headers: auth.headers });
		assert.equal(res.json.success, true, res.text);
		assert.match(res.json.app.status, /enabled/);
		// An admin pastes the secret; RapidPro connects and opens a ticket.
		await setAppSettings(host.url, auth, appId, { app_secret: SECRET });
		const rp = rapidProClient(appUrl(host.url, appId), SECRET);
		await waitFor(async () => (await rp.secretCheck()).status === 204, { what: 'the secret to apply' });
		assert.equal((await rp.settings(`${receiver.url}/callback`)).status, 204);
		const room = await rp.openRoom('U-1', '4001');
		assert.equal(room.status, 200, room.text);
		roomId = room.json.id;
	});

	it('updates it with `rc-apps deploy --update`', async () => {
		const auth = await login(host.url);
		const before = (await http(`${host.url}/api/apps/${appId}`, { headers: auth.headers })).json.app;
		const { code, output } = await deploy(stage, host.url, ['--update']);
		assert.equal(code, 0, output);
		const after = (await http(`${host.url}/api/apps/${appId}`, { headers: auth.headers })).json.app;
		assert.match(after.status, /enabled/);
		assert.notEqual(after.modifiedDate, before.modifiedDate, 'the stored app was rewritten');
		assert.match(host.output(), /app updated/);
	});

	it('keeps the settings, the open ticket and the webhook URL across the update', async () => {
		const auth = await login(host.url);
		const rp = rapidProClient(appUrl(host.url, appId), SECRET);
		assert.equal((await rp.secretCheck()).status, 204, 'the App Secret survived');
		const again = await rp.openRoom('U-1', '4001');
		assert.equal(again.json.id, roomId, 'the same ticket still has the same room');
		await http(`${host.url}/api/v1/chat.sendMessage`, { method: 'POST', headers: auth.headers, json: { message: { rid: roomId, msg: 'after the update' } } });
		const [hook] = await receiver.waitForRequests(1);
		assert.equal(hook.json.data.text, 'after the update', 'the webhook URL survived');
	});
});
