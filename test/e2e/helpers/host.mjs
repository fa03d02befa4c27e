// @ts-check
// Runs the development host as a child process (`node host/cli.mjs`) the way a
// user does, on a free port with its own data dir. Point E2E_URL at a real
// Rocket.Chat (plus E2E_USER/E2E_PASSWORD/E2E_APP_ID) to run the same tests
// there: startHostProcess() then returns that server instead.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { http } from './http.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export function freePort() {
	return new Promise((resolve, reject) => {
		const srv = net.createServer();
		srv.listen(0, '127.0.0.1', () => {
			const { port } = /** @type {net.AddressInfo} */ (srv.address());
			srv.close(() => resolve(port));
		});
		srv.on('error', reject);
	});
}

/** Packages the app when dist/ is stale (packageApp serialises rc-apps runs with a lock). */
export async function ensurePackaged() {
	const { packageApp } = await import(path.join(ROOT, 'host/package-app.mjs'));
	return packageApp({ log: () => {} }).zip;
}

/**
 * @param {{ dataDir?: string, port?: number, env?: Record<string,string>, args?: string[], readyTimeoutMs?: number }} [opts]
 * @returns {Promise<{ url: string, appId: string, dataDir: string, output: () => string, pid: () => number | undefined, stop: () => Promise<number|null>, restart: (more?: {args?: string[]}) => Promise<void>, remote: boolean }>}
 */
export async function startHostProcess({ dataDir, port, env = {}, args = [], readyTimeoutMs = 90000 } = {}) {
	if (process.env.E2E_URL) {
		return { url: process.env.E2E_URL.replace(/\/$/, ''), appId: process.env.E2E_APP_ID || '', dataDir: '', output: () => '', pid: () => undefined, stop: async () => 0, restart: async () => {}, remote: true };
	}
	await ensurePackaged();
	const dir = dataDir || fs.mkdtempSync(path.join(os.tmpdir(), 'host-e2e-'));
	const thePort = port || (await freePort());
	let child;
	let log = '';
	const handle = {
		url: `http://127.0.0.1:${thePort}`,
		appId: '',
		dataDir: dir,
		remote: false,
		output: () => log,
		/** The host process (its app runtimes are its children), for sampling memory. */
		pid: () => child?.pid,
		/** SIGTERM and wait; resolves the exit code. */
		stop: async () => {
			if (!child || child.exitCode !== null) return child?.exitCode ?? null;
			const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
			child.kill('SIGTERM');
			return exited;
		},
		restart: async ({ args: more = [] } = {}) => {
			await handle.stop();
			await launch(more);
		},
	};
	const launch = async (extra = []) => {
		log = ''; // a restart must not see the previous run's ready line
		child = spawn(process.execPath, [path.join(ROOT, 'host/cli.mjs'), ...args, ...extra], {
			cwd: ROOT,
			env: { ...process.env, HOST_NO_PACKAGE: '1', ...env, PORT: String(thePort), DATA_DIR: dir },
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		const ready = new Promise((resolve, reject) => {
			const timer = setTimeout(() => reject(new Error(`host not ready after ${readyTimeoutMs} ms:\n${log}`)), readyTimeoutMs);
			let started = false;
			const onData = (chunk) => {
				log += chunk;
				// Only until ready: testing the whole, growing log on every later chunk costs the test
				// process time in proportion to everything the host has printed (a bench prints a lot).
				if (!started && /admin log-in:/.test(log)) {
					started = true;
					clearTimeout(timer);
					handle.appId = log.match(/RapidPro base URL: \S+\/api\/apps\/public\/(\S+)/)?.[1] || '';
					resolve(undefined);
				}
			};
			child.stdout.on('data', onData);
			child.stderr.on('data', (c) => (log += c));
			child.once('exit', (code) => {
				clearTimeout(timer);
				reject(new Error(`host exited with ${code} before it was ready:\n${log}`));
			});
		});
		await ready;
		child.removeAllListeners('exit');
	};
	await launch();
	return handle;
}

/** Logs in; returns the auth headers Rocket.Chat expects on later calls. */
export async function login(url, username = process.env.E2E_USER || 'admin', password = process.env.E2E_PASSWORD || 'admin') {
	const res = await http(`${url}/api/v1/login`, { method: 'POST', json: { username, password } });
	if (res.status !== 200 || res.json?.status !== 'success') throw new Error(`login failed: ${res.status} ${res.text}`);
	const { userId, authToken } = res.json.data;
	return { userId, authToken, headers: { 'X-User-Id': userId, 'X-Auth-Token': authToken } };
}

/** The app's endpoint URL: appUrl(url, appId, 'room') → <url>/api/apps/public/<appId>/room */
export function appUrl(url, appId, endpoint = '') {
	return `${url}/api/apps/public/${appId}${endpoint ? `/${endpoint.replace(/^\//, '')}` : ''}`;
}

/** Sets app settings by id ({app_secret: 'x', …}) through the Apps REST API. */
export async function setAppSettings(url, auth, appId, values) {
	const settings = Object.entries(values).map(([id, value]) => ({ id, value }));
	const res = await http(`${url}/api/apps/${appId}/settings`, { method: 'POST', headers: auth.headers, json: { settings } });
	if (!res.json?.success) throw new Error(`setting ${Object.keys(values)} failed: ${res.text}`);
	return res.json;
}

/**
 * Polls `check` until it returns a truthy value (events are asynchronous). The default
 * deadline is generous: files run two at a time on a shared CPU, and a wait that is not
 * the point of its test should fail only when the condition never comes; a test whose
 * point is a bound passes its own `timeoutMs`.
 */
export async function waitFor(check, { timeoutMs = 30000, intervalMs = 50, what = 'condition' } = {}) {
	const end = Date.now() + timeoutMs;
	let last;
	while (Date.now() < end) {
		last = await check();
		if (last) return last;
		await new Promise((r) => setTimeout(r, intervalMs));
	}
	throw new Error(`timed out waiting for ${what}`);
}
