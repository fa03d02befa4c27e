// @ts-check
// The reverse-proxy rules of docs/reverse-proxy.md, in front of the host:
// docs/haproxy.cfg, and docs/nginx.conf with docs/tickets-guard.js (njs). The
// bodies that break any Apps-Engine app with public endpoints (a `__proto__`
// key stalls its runtime for about a minute; nesting past what the runtime
// carries gets a 500 or holds the call for 30 s) are refused with a 4xx before
// Rocket.Chat, the app keeps answering, and RapidPro's real requests pass
// unchanged. Needs `haproxy`, and `nginx` with its njs module, installed
// (Debian: apt-get install haproxy nginx libnginx-mod-http-js; .ci/run installs
// them). Host-only: it runs the proxies beside the host.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import nodeHttp from 'node:http';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { appUrl, freePort, http, login, setAppSettings, startHostProcess, startReceiver, waitFor, ROOT } from './helpers/index.mjs';
import { rapidProClient } from './helpers/rapidpro-client.mjs';

const SECRET = 'PROXY23456789ABCDEFGHJKLMNPQRSTU';
const INSTALL = 'Install them (Debian/Ubuntu: apt-get install haproxy nginx libnginx-mod-http-js); .ci/run installs them in CI.';
const NJS_MODULE = ['/usr/lib/nginx/modules/ngx_http_js_module.so', '/usr/share/nginx/modules/ngx_http_js_module.so'].find((f) => fs.existsSync(f));

function installed(binary, args) {
	try {
		execFileSync(binary, args, { stdio: 'pipe' });
	} catch {
		throw new Error(`${binary} is not installed: this test runs the configuration in docs/ in front of the host. ${INSTALL}`);
	}
}

/** The doc's configuration with the addresses an admin changes pointed at this test's ports. */
function pointed(file, listenPort, hostPort) {
	const text = fs.readFileSync(path.join(ROOT, 'docs', file), 'utf8');
	const out = text
		.replace(/^(\s*bind |\s*listen )127\.0\.0\.1:8080/m, `$1127.0.0.1:${listenPort}`)
		.replaceAll('127.0.0.1:3000', `127.0.0.1:${hostPort}`);
	assert.ok(out.includes(`:${listenPort}`) && out.includes(`:${hostPort}`), `docs/${file} has the listen and Rocket.Chat addresses the doc says to change`);
	return out;
}

/** Each proxy: start it in `dir` listening on `port` in front of `hostPort`; resolves the child process. */
const PROXIES = {
	'docs/haproxy.cfg': (dir, port, hostPort) => {
		installed('haproxy', ['-v']);
		const cfg = path.join(dir, 'haproxy.cfg');
		fs.writeFileSync(cfg, pointed('haproxy.cfg', port, hostPort));
		execFileSync('haproxy', ['-c', '-q', '-f', cfg], { stdio: 'pipe' });
		return spawn('haproxy', ['-db', '-f', cfg], { stdio: ['ignore', 'pipe', 'pipe'] });
	},
	'docs/nginx.conf with njs': (dir, port, hostPort) => {
		installed('nginx', ['-v']);
		if (!NJS_MODULE) throw new Error(`nginx's njs module is not installed. ${INSTALL}`);
		// docs/nginx.conf holds the lines for an http block; around them, what a test instance needs.
		const fragment = pointed('nginx.conf', port, hostPort).replace('/etc/nginx/tickets-guard.js', path.join(ROOT, 'docs', 'tickets-guard.js'));
		const cfg = path.join(dir, 'nginx.conf');
		fs.writeFileSync(cfg, `load_module ${NJS_MODULE};\ndaemon off;\npid ${dir}/nginx.pid;\nerror_log ${dir}/error.log;\nevents {}\nhttp {\naccess_log off;\nclient_body_temp_path ${dir};\nproxy_temp_path ${dir};\n${fragment}\n}\n`);
		execFileSync('nginx', ['-t', '-q', '-p', dir, '-e', `${dir}/error.log`, '-c', cfg], { stdio: 'pipe' });
		return spawn('nginx', ['-p', dir, '-e', `${dir}/error.log`, '-c', cfg], { stdio: ['ignore', 'pipe', 'pipe'] });
	},
};

const deepArray = (n) => '['.repeat(n) + ']'.repeat(n);
const deepObject = (n) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);
/** Nesting with a closed sibling at every level, so no run of openers gives it away. */
const deepWithSiblings = (n) => '{"x":[0],"a":'.repeat(n) + '1' + '}'.repeat(n);


describe('the reverse-proxy rules in front of the host', { skip: !!process.env.E2E_URL && 'host-only' }, () => {
	/** @type {Awaited<ReturnType<typeof startHostProcess>>} */ let host;

	before(async () => {
		host = await startHostProcess({ args: ['--fresh'] });
		const auth = await login(host.url);
		await setAppSettings(host.url, auth, host.appId, { app_secret: SECRET });
	});

	after(async () => {
		if (host) await host.stop();
	});

	for (const [name, start] of Object.entries(PROXIES)) {
		// Each proxy gets its own tickets and contacts.
		const n = name.startsWith('docs/haproxy') ? 1 : 2;
		describe(name, () => {
			/** @type {import('node:child_process').ChildProcess} */ let child;
			/** @type {Awaited<ReturnType<typeof startReceiver>>} */ let receiver;
			/** @type {Awaited<ReturnType<typeof login>>} */ let auth;
			let proxy = '';
			let dir = '';
			let log = '';
			/** RapidPro through the proxy */
			/** @type {ReturnType<typeof rapidProClient>} */ let rp;
			const json = { 'Content-Type': 'application/json', Authorization: `Token ${SECRET}` };
			/** @param {string} endpoint @param {string | Buffer} body @param {Record<string,string>} [headers] */
			const send = (endpoint, body, headers = {}) => http(`${appUrl(proxy, host.appId)}/${endpoint}`, { method: 'POST', headers: { ...json, ...headers }, body });
			const ticket = (i) => `P${n}-${i}`;
			const token = (i) => String(5000 + n * 100 + i);

			before(async () => {
				const port = await freePort();
				dir = fs.mkdtempSync(path.join(os.tmpdir(), 'proxy-'));
				child = start(dir, port, new URL(host.url).port);
				child.stdout?.on('data', (c) => (log += c));
				child.stderr?.on('data', (c) => (log += c));
				proxy = `http://127.0.0.1:${port}`;
				await waitFor(async () => (await http(`${proxy}/api/info`).catch(() => ({ status: 0 }))).status === 200, { what: 'the proxy to listen' }).catch((e) => {
					throw new Error(`${e.message}:\n${log}`);
				});
				auth = await login(proxy);
				receiver = await startReceiver();
				rp = rapidProClient(appUrl(proxy, host.appId), SECRET);
			});

			after(async () => {
				child?.kill('SIGTERM');
				await receiver?.close();
				if (dir) fs.rmSync(dir, { recursive: true, force: true });
			});

			it('passes RapidPro\'s real requests unchanged, at their largest', async () => {
				assert.equal((await rp.secretCheck()).status, 204);
				assert.equal((await rp.settings(`${receiver.url}/mr/tickets/types/rocketchat/event_callback/6f0e1c3a-6d3f-4f3e-9d4b-1b2c3d4e5f60`)).status, 204);
				// mailroom's /room body with every field a fork sends; values full of brackets, quotes and the word __proto__.
				const visitor = { name: 'Ana {[ "__proto__": 1 ]}', email: 'ana@example.com', phone: '+5511999990000', customFields: { cpf: '{"__proto__":{}}', note: '[[[[{{{{' } };
				const room = await rp.openRoom(ticket(1), token(1), visitor, { sessionStart: '2020-07-17 10:28', priority: 'high' });
				assert.equal(room.status, 200, room.text);
				assert.equal((await rp.openRoom(ticket(1), token(1), visitor)).json.id, room.json.id, 'the retried GET finds the same room');
				// The largest visitor message the app takes: 20,000 characters, 32 attachments.
				const text = `"__proto__": {[ \\u005f ${'{['.repeat(2000)} ${'é"\\\n'.repeat(1000)}`.padEnd(20000, ']}').slice(0, 20000);
				const attachments = Array.from({ length: 32 }, (_, i) => ({ type: i % 2 ? 'image/jpeg' : 'application/pdf', url: `https://rapidpro.example.com/media/${i}/${'x'.repeat(2000)}.pdf` }));
				const message = await rp.visitorMessage(token(1), text, attachments);
				assert.equal(message.status, 201, message.text);
				const stored = (await http(`${proxy}/api/v1/chat.syncMessages?roomId=${room.json.id}&lastUpdate=${new Date(0).toISOString()}`, { headers: auth.headers })).json.result.updated;
				assert.equal(stored.find((m) => m._id === message.json.id)?.msg, text, 'the text arrived byte for byte');
				assert.equal((await rp.visitorMessage(token(1), 'plain')).status, 201);
				assert.equal((await rp.closeRoom(token(1))).status, 204);
				assert.equal((await rp.closeRoom(token(1))).status, 204, 'closing again');
				// What the app itself answers to a bad request still reaches RapidPro.
				const bad = await rp.openRoom(ticket(2), token(2), { department: 'Nowhere' });
				assert.equal(bad.status, 404);
				assert.match(bad.json.error, /department/);
			});

			it('refuses a __proto__ key, however it is spelt, with 400 while the app keeps answering', async () => {
				const bodies = [
					'{"__proto__":{"polluted":1}}',
					`{"ticketID":"${ticket(3)}","visitor":{"token":"${token(3)}","__proto__":{"token":"x"}}}`,
					'{"\\u005f_proto__":1}',
					'{"a":1, "__\\u0070r\\u006Fto\\u005F_" :{}}',
					'[{"x":[]},\n\t{"__proto__" : 1}]',
					`{"pad":"${'x'.repeat(90000)}","__proto__":1}`,
					`{"t":"${'\\"'.repeat(45000)}","__proto__":1}`,
				];
				for (const body of bodies) {
					const started = Date.now();
					const refused = await send('room', body);
					assert.equal(refused.status, 400, `${body.slice(0, 60)}: ${refused.status} ${refused.text.slice(0, 200)}`);
					assert.deepEqual(refused.json, { error: 'a __proto__ key is not accepted' });
					const check = await rp.secretCheck();
					assert.equal(check.status, 204, 'the app answers right after');
					assert.ok(Date.now() - started < 2000, `answered in ${Date.now() - started} ms`);
				}
				assert.equal((await rp.openRoom(ticket(3), token(3))).status, 200, 'and opens rooms');
				assert.equal((await send('secret.check', '{"__proto__":1}', { Authorization: 'Token wrong' })).status, 400, 'with or without the secret');
			});

			it('refuses bodies nested 64 deep or more with 400, siblings at every level or not, and passes 60 deep to the app', async () => {
				for (const body of [deepArray(64), `{"visitor":${deepArray(100)}}`, `{"visitor":{"token":${deepObject(95)}}}`, deepWithSiblings(94), `{"junk":${deepArray(40000)}}`, `{"s":[${'"a",'.repeat(24000)}"z"],"d":${deepArray(64)}}`, `{"t":"${'\\n'.repeat(45000)}","d":${deepArray(64)}}`]) {
					const refused = await send('room', body);
					assert.equal(refused.status, 400, `${body.slice(0, 40)}: ${refused.status} ${refused.text.slice(0, 200)}`);
					assert.deepEqual(refused.json, { error: 'request body nested too deep' });
				}
				const shallow = await send('room', `{"ticketID":"${ticket(4)}","visitor":${deepArray(60)}}`);
				assert.equal(shallow.status, 400, shallow.text);
				assert.match(shallow.json.error, /visitor/, 'the app itself answered, naming the field');
				assert.equal((await rp.secretCheck()).status, 204);
			});

			it('refuses what it cannot read as Rocket.Chat will (compressed, another charset, over 100 KB), keeps a chunked stall key out, passes UTF-8 JSON', async () => {
				const stall = '{"__proto__":1}';
				const gz = await send('room', zlib.gzipSync(stall), { 'Content-Encoding': 'gzip' });
				assert.equal(gz.status, 415, gz.text);
				const utf16 = await send('room', Buffer.from(stall, 'utf16le'), { 'Content-Type': 'application/json; charset=utf-16le' });
				assert.equal(utf16.status, 415, utf16.text);
				const utf8 = await send('room', `{"ticketID":"${ticket(5)}","visitor":{"token":"${token(5)}"}}`, { 'Content-Type': 'application/json; charset=UTF-8' });
				assert.equal(utf8.status, 200, utf8.text);
				const big = await send('room', `{"pad":"${'x'.repeat(102400)}"}`);
				assert.equal(big.status, 413, big.text);
				/** @type {{ status: number | undefined, text: string }} */
				const chunked = await new Promise((resolve, reject) => {
					const req = nodeHttp.request(`${appUrl(proxy, host.appId)}/room`, { method: 'POST', headers: json }, (res) => {
						let text = '';
						res.on('data', (c) => (text += c));
						res.on('end', () => resolve({ status: res.statusCode, text }));
					});
					req.on('error', reject);
					req.write('{"__proto__"');
					req.end(':1}');
				});
				// HAProxy cannot tell a chunked body is whole, so it asks for a Content-Length; nginx reads it whole and judges it.
				if (name.startsWith('docs/haproxy')) assert.equal(chunked.status, 411, chunked.text);
				else assert.deepEqual([chunked.status, JSON.parse(chunked.text)], [400, { error: 'a __proto__ key is not accepted' }]);
				assert.equal((await rp.secretCheck()).status, 204);
			});
		});
	}
});
