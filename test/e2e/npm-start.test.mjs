// @ts-check
// `npm start` as a developer runs it in a terminal: what it prints for an
// endpoint call, and Ctrl-C, which the terminal sends to the whole foreground
// process group (npm, the host and the app's Deno runtime at once; systemd and
// docker signal the group too). Host-only.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { appUrl, ensurePackaged, freePort, http, login, setAppSettings, startHostProcess, startReceiver, waitFor, ROOT } from './helpers/index.mjs';
import { rapidProClient } from './helpers/rapidpro-client.mjs';

const SECRET = 'START23456789ABCDEFGHJKLMNPQRSTU';

/** Live (not zombie) processes whose process group is `pgid`, from /proc. */
function liveInGroup(pgid) {
	const live = [];
	for (const pid of fs.readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
		try {
			const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
			// pid (comm) state ppid pgrp …: comm may hold spaces, so read after its closing parenthesis.
			const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
			if (Number(pgrp) === pgid && state !== 'Z') live.push(`${pid} ${stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))}`);
		} catch {
			// exited while we looked
		}
	}
	return live;
}

describe('npm start', { skip: !!process.env.E2E_URL && 'host-only' }, () => {
	const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'npm-start-'));
	/** @type {import('node:child_process').ChildProcess} */ let child;
	/** @type {Promise<number|null>} */ let exited;
	let output = '';
	let url = '';
	let appId = '';
	/** @type {Awaited<ReturnType<typeof startReceiver>>} */ let receiver;
	/** @type {Awaited<ReturnType<typeof login>>} */ let auth;
	/** @type {ReturnType<typeof rapidProClient>} */ let rp;
	/** @type {Awaited<ReturnType<typeof startHostProcess>> | undefined} */ let again;

	/** Runs `npm start` in its own process group, as a terminal runs a foreground job, until it is ready. */
	const npmStart = async () => {
		const port = await freePort();
		url = `http://127.0.0.1:${port}`;
		output = '';
		child = spawn('npm', ['start'], { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, HOST_DEBUG: '', HOST_NO_PACKAGE: '1', PORT: String(port), DATA_DIR: dataDir } });
		exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
		child.stdout?.on('data', (c) => (output += c));
		child.stderr?.on('data', (c) => (output += c));
		await waitFor(() => /admin log-in:/.test(output), { timeoutMs: 90000, what: 'npm start to be ready' }).catch((e) => {
			throw new Error(`${e.message}:\n${output}`);
		});
	};

	/** Resolves when no live process is left in the group, or after 10 s; returns the ms it took and what is left. */
	const groupGone = async (pgid, started) => {
		let live = liveInGroup(pgid);
		while (live.length && Date.now() - started < 10000) {
			await new Promise((r) => setTimeout(r, 20));
			live = liveInGroup(pgid);
		}
		return { ms: Date.now() - started, live };
	};

	before(async () => {
		await ensurePackaged();
		await npmStart();
		appId = output.match(/RapidPro base URL: \S+\/api\/apps\/public\/(\S+)/)?.[1] || '';
		auth = await login(url);
		receiver = await startReceiver();
		rp = rapidProClient(appUrl(url, appId), SECRET);
		await setAppSettings(url, auth, appId, { app_secret: SECRET });
		await waitFor(async () => (await rp.secretCheck()).status === 204, { what: 'the secret to apply' });
		assert.equal((await rp.settings(`${receiver.url}/cb`)).status, 204);
	});

	after(async () => {
		if (child?.pid && liveInGroup(child.pid).length) process.kill(-child.pid, 'SIGKILL');
		await again?.stop();
		await receiver?.close();
		fs.rmSync(dataDir, { recursive: true, force: true });
	});

	it('prints the app\'s info line for an endpoint call, on one line, and no engine debug line', async () => {
		const before = output.length;
		const room = await rp.openRoom('S-1', '7001', { name: 'Ana' });
		assert.equal(room.status, 200, room.text);
		await waitFor(() => output.includes(`ticket S-1 opened room ${room.json.id}`), { what: 'the app\'s info line' });
		const printed = output.slice(before);
		assert.match(printed, new RegExp(`^\\[app Tickets\\] INFO api:room:get: ticket S-1 opened room ${room.json.id}$`, 'm'));
		assert.doesNotMatch(printed, /DEBUG/, 'the engine\'s per-call debug lines (request bodies included) are not printed');
		assert.doesNotMatch(printed, /7001|Ana/, 'the request body is not printed');
		for (const line of printed.split('\n').filter(Boolean)) assert.match(line, /^(\[app Tickets\]|\[host\]|host:) /, `one line per entry: ${line}`);
	});

	it('stops within 2 s of Ctrl-C to the whole process group, restarting nothing', async (t) => {
		// Work accepted before the signal: a ticket, a visitor message, and an agent reply whose webhook
		// RapidPro refused once (500), so it waits in the app's queue for its retry.
		receiver.respondWith({ status: 500, body: { status: 'down' } });
		const roomId = (await rp.openRoom('S-2', '7002')).json.id;
		assert.equal((await rp.visitorMessage('7002', 'before Ctrl-C')).status, 201);
		await http(`${url}/api/v1/chat.sendMessage`, { method: 'POST', headers: auth.headers, json: { message: { rid: roomId, msg: 'reply before Ctrl-C' } } });
		await receiver.waitForRequests(1);
		const accepted = await rp.openRoom('S-3', '7003');
		assert.equal(accepted.status, 200, accepted.text);

		const pgid = /** @type {number} */ (child.pid);
		const started = Date.now();
		process.kill(-pgid, 'SIGINT');
		const code = await Promise.race([exited, new Promise((resolve) => setTimeout(() => resolve('still running'), 10000))]);
		const npmExit = Date.now() - started;
		const gone = await groupGone(pgid, started);
		assert.notEqual(code, 'still running', `npm start still running 10 s after SIGINT:\n${output.slice(-2000)}`);
		assert.deepEqual(gone.live, [], 'no process of the group is left (host, Deno runtime)');
		t.diagnostic(`npm exited ${npmExit} ms and the group ${gone.ms} ms after SIGINT`);
		assert.ok(gone.ms < 2000, `the group exited ${gone.ms} ms after SIGINT (npm after ${npmExit} ms)`);
		assert.match(output, /host: SIGINT, shutting down/);
		assert.doesNotMatch(output, /runtime:restart|restarted app subprocess/, 'the runtime killed by the signal was not restarted');
	});

	it('starts again on the same data with everything accepted before the signal', async () => {
		receiver.respondWith({ status: 200, body: { status: 'handled' } });
		again = await startHostProcess({ dataDir });
		assert.equal(again.appId, appId);
		const rp2 = rapidProClient(appUrl(again.url, appId), SECRET);
		assert.equal((await rp2.secretCheck()).status, 204, 'the App Secret is kept');
		const auth2 = await login(again.url);
		for (const [ticket, token] of [['S-2', '7002'], ['S-3', '7003']]) {
			const room = await rp2.openRoom(ticket, token);
			assert.equal(room.status, 200, room.text);
			const open = (await http(`${again.url}/api/v1/livechat/rooms?open=true`, { headers: auth2.headers })).json.rooms;
			assert.ok(open.some((r) => r._id === room.json.id && r.v.token === token), `ticket ${ticket} still has its open room`);
		}
		const roomId = (await rp2.openRoom('S-2', '7002')).json.id;
		const messages = (await http(`${again.url}/api/v1/chat.syncMessages?roomId=${roomId}&lastUpdate=${new Date(0).toISOString()}`, { headers: auth2.headers })).json.result.updated;
		assert.ok(messages.some((m) => m.msg === 'before Ctrl-C'), 'the visitor message is kept');
		// The queued webhook is retried after the restart and delivered.
		await waitFor(() => receiver.requests.some((r) => r.json?.data?.text === 'reply before Ctrl-C' && r !== receiver.requests[0]), { timeoutMs: 60000, what: 'the queued agent message to be delivered after the restart' });
		assert.equal((await rp2.closeRoom('7002')).status, 204);
	});

	// docker stop signals only the container's first process: with `CMD npm start`, that is npm.
	it('stops the host too when only npm gets SIGTERM', async () => {
		await again?.stop();
		again = undefined;
		await npmStart();
		const pgid = /** @type {number} */ (child.pid);
		const started = Date.now();
		process.kill(pgid, 'SIGTERM');
		const gone = await groupGone(pgid, started);
		assert.deepEqual(gone.live, [], `the host and its runtime are left running:\n${output.slice(-2000)}`);
		assert.ok(gone.ms < 2000, `the group exited ${gone.ms} ms after SIGTERM`);
		assert.match(output, /host: SIGTERM, shutting down/);
	});
});
