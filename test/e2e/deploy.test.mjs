// @ts-check
// The admin's path, exactly as the README's "Install in Rocket.Chat" says: its
// deploy and update commands (`npm run deploy -- …`, the real `rc-apps deploy`
// on the app's files) against the host, through a recorder that keeps each zip
// the host received. Host-only: it starts an empty host.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { exec } from 'node:child_process';
import fs from 'node:fs';
import nodeHttp from 'node:http';
import path from 'node:path';
import { promisify } from 'node:util';
import busboy from 'busboy';
import { appUrl, http, login, setAppSettings, startHostProcess, startReceiver, waitFor, ROOT } from './helpers/index.mjs';
import { appZipProblems } from './helpers/app-zip.mjs';
import { rapidProClient } from './helpers/rapidpro-client.mjs';

const sh = promisify(exec);

/** The commands in the README's "Install in Rocket.Chat" code block, comments cut. */
function readmeInstallCommands() {
	const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
	const section = readme.slice(readme.indexOf('## Install in Rocket.Chat'));
	const block = section.match(/```\n([\s\S]*?)```/)?.[1] || '';
	return block.split('\n').map((l) => l.replace(/\s+#.*$/, '').trim()).filter(Boolean);
}

/** Runs a README command with the server and the admin's log-in filled in. */
async function runReadme(command, url) {
	const filled = command.replace('https://chat.example.com', url).replace('<admin>', 'admin').replace('<password>', 'admin');
	try {
		const { stdout, stderr } = await sh(filled, { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } });
		return { code: 0, output: stdout + stderr };
	} catch (e) {
		const err = /** @type {any} */ (e);
		return { code: err.code, output: `${err.stdout}${err.stderr}` };
	}
}

/**
 * Forwards every request to the host and keeps the `app` part of each app upload
 * (POST /api/apps or /api/apps/<id>): the zip the server received.
 */
async function startUploadRecorder(target) {
	/** @type {Buffer[]} */
	const uploads = [];
	const server = nodeHttp.createServer(async (req, res) => {
		const chunks = [];
		for await (const c of req) chunks.push(c);
		const body = Buffer.concat(chunks);
		if (req.method === 'POST' && /^\/api\/apps(\/[^/]+)?\/?$/.test(req.url || '') && /multipart/.test(req.headers['content-type'] || '')) {
			await new Promise((resolve) => {
				const bb = busboy({ headers: req.headers });
				bb.on('file', (name, file) => {
					const parts = [];
					file.on('data', (d) => parts.push(d));
					file.on('end', () => name === 'app' && uploads.push(Buffer.concat(parts)));
				});
				bb.on('close', resolve);
				bb.end(body);
			});
		}
		const headers = { ...req.headers };
		delete headers['transfer-encoding'];
		headers['content-length'] = String(body.length);
		const upstream = nodeHttp.request(`${target}${req.url}`, { method: req.method, headers }, (answer) => {
			res.writeHead(answer.statusCode || 502, answer.headers);
			answer.pipe(res);
		});
		upstream.on('error', () => res.writeHead(502).end());
		upstream.end(body);
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
	const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
	return { url: `http://127.0.0.1:${port}`, uploads, close: () => new Promise((resolve) => server.close(() => resolve(undefined))) };
}

describe('the README\'s deploy commands against the host', { skip: !!process.env.E2E_URL && 'host-only' }, () => {
	/** @type {Awaited<ReturnType<typeof startHostProcess>>} */
	let host;
	/** @type {Awaited<ReturnType<typeof startUploadRecorder>>} */
	let recorder;
	/** @type {Awaited<ReturnType<typeof startReceiver>>} */
	let receiver;
	const commands = readmeInstallCommands();
	const install = commands.find((c) => /deploy/.test(c) && !/--update/.test(c)) || '';
	const update = commands.find((c) => /deploy/.test(c) && /--update/.test(c)) || '';
	let roomId = '';
	const SECRET = 'DEPLOY23456789ABCDEFGHJKLMNPQRST';
	const appId = JSON.parse(fs.readFileSync(path.join(ROOT, 'app.json'), 'utf8')).id;

	before(async () => {
		assert.ok(install && update, `the README documents a deploy and an update command: ${JSON.stringify(commands)}`);
		host = await startHostProcess({ env: { HOST_NO_INSTALL: '1' } });
		recorder = await startUploadRecorder(host.url);
		receiver = await startReceiver();
	});

	after(async () => {
		if (host) await host.stop();
		await receiver?.close();
		await recorder?.close();
	});

	it('installs the app with the README\'s deploy command, sending the app\'s files only (trailing slash on --url too)', async () => {
		const { code, output } = await runReadme(install, `${recorder.url}/`);
		assert.equal(code, 0, output);
		assert.equal(recorder.uploads.length, 1, 'one upload');
		assert.deepEqual(appZipProblems(recorder.uploads[0]), [], 'the zip the server received');
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

	it('updates it with the README\'s update command, again with the app\'s files only', async () => {
		const auth = await login(host.url);
		const before = (await http(`${host.url}/api/apps/${appId}`, { headers: auth.headers })).json.app;
		const { code, output } = await runReadme(update, recorder.url);
		assert.equal(code, 0, output);
		assert.equal(recorder.uploads.length, 2, 'a second upload');
		assert.deepEqual(appZipProblems(recorder.uploads[1]), [], 'the zip the server received');
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
