// @ts-check
// The host's HTTP bridge against Rocket.Chat's (apps/meteor/app/apps/server/bridges/http.ts,
// 7.x/8.x, through packages/server-fetch = node-fetch 2), in-process against a local server:
// what the app gets back (`data`, `content`, `url`), what goes out (params, body, auth),
// the default timeout and the texts of the errors it rejects with.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { DEFAULT_TIMEOUT_MS, HostHttpBridge } from '../../host/bridges/HttpBridge.mjs';
import { freePort } from './helpers/index.mjs';

describe('HTTP bridge (fidelity: Rocket.Chat http.ts)', () => {
	const bridge = new HostHttpBridge();
	/** @type {{ method: string, url: string, headers: http.IncomingHttpHeaders, body: string }[]} */
	const seen = [];
	/** @type {http.Server} */ let server;
	let base = '';
	const call = (method, url, request = {}) => /** @type {any} */ (bridge).call({ appId: 'a', method, url, request });

	before(async () => {
		server = http.createServer((req, res) => {
			const chunks = [];
			req.on('data', (c) => chunks.push(c));
			req.on('end', () => {
				const url = new URL(req.url || '/', 'http://x');
				seen.push({ method: req.method || '', url: req.url || '', headers: req.headers, body: Buffer.concat(chunks).toString() });
				if (url.pathname === '/slow') return void setTimeout(() => res.end('late'), 2000);
				const type = url.searchParams.get('type');
				res.writeHead(200, type ? { 'content-type': type } : {});
				res.end(url.searchParams.get('body') ?? '{"results":[1]}');
			});
		});
		await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
		base = `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (server.address()).port}`;
	});

	after(() => {
		server.closeAllConnections();
		server.close();
	});

	it('parses `data` only for application/json and the JavaScript types (before any ";"), else null; `content` is always the text', async () => {
		const parsed = ['application/json', 'application/json; charset=utf-8', 'text/javascript', 'application/javascript', 'application/x-javascript'];
		const notParsed = ['text/plain', 'application/vnd.rapidpro+json', 'Application/JSON', 'text/json', 'text/html; charset=utf-8'];
		for (const type of parsed) {
			const res = await call('GET', `${base}/p?type=${encodeURIComponent(type)}`);
			assert.deepEqual(res.data, { results: [1] }, type);
			assert.equal(res.content, '{"results":[1]}');
		}
		for (const type of notParsed) {
			const res = await call('GET', `${base}/p?type=${encodeURIComponent(type)}`);
			assert.equal(res.data, null, type);
			assert.equal(res.content, '{"results":[1]}', type);
		}
		const none = await call('GET', `${base}/p`);
		assert.equal(none.data, null, 'no content type at all');
		const broken = await call('GET', `${base}/p?type=application/json&body=${encodeURIComponent('{oops')}`);
		assert.equal(broken.data, null, 'JSON that does not parse');
		assert.equal(broken.content, '{oops');
	});

	it('gives the bytes as `content` with encoding null, and no `data`', async () => {
		const res = await call('GET', `${base}/p?type=application/json`, { encoding: null });
		assert.ok(Buffer.isBuffer(res.content));
		assert.equal(res.content.toString(), '{"results":[1]}');
		assert.equal(res.data, undefined);
	});

	it('answers with the URL as given, the method, the status and the headers', async () => {
		const res = await call('GET', `${base}/p?type=text/plain`, { params: { a: '1' } });
		assert.equal(res.url, `${base}/p?type=text/plain`, 'params are not in `url`');
		assert.equal(res.method, 'GET');
		assert.equal(res.statusCode, 200);
		assert.equal(res.headers['content-type'], 'text/plain');
	});

	it('puts params in the URL for GET (empty ones skipped), ignores `query`, and form-encodes params as the body of a POST without content', async () => {
		seen.length = 0;
		await call('GET', `${base}/g`, { params: { a: '1', empty: '', b: 'x y' }, query: 'q=1' });
		assert.equal(seen[0].url, '/g?a=1&b=x+y');
		// The engine's accessor always passes params ({} at least), so a bare POST sends an empty form.
		await call('POST', `${base}/f`, { params: { a: '1' } });
		assert.equal(seen[1].url, '/f');
		assert.equal(seen[1].body, 'a=1');
		assert.equal(seen[1].headers['content-type'], 'application/x-www-form-urlencoded');
		await call('POST', `${base}/e`, { params: {} });
		assert.equal(seen[2].body, '');
		assert.equal(seen[2].headers['content-type'], 'application/x-www-form-urlencoded');
		await call('POST', `${base}/c`, { params: { a: '1' }, content: 'raw', headers: { 'Content-Type': 'text/plain' } });
		assert.equal(seen[3].url, '/c?a=1', 'with content, params go to the URL');
		assert.equal(seen[3].body, 'raw');
	});

	it('sends an object `data` as JSON (Content-Type defaulting to JSON), `content` as is, and `auth` as Basic', async () => {
		seen.length = 0;
		await call('POST', `${base}/d`, { params: {}, data: { x: 1 } });
		assert.equal(seen[0].body, '{"x":1}');
		assert.equal(seen[0].headers['content-type'], 'application/json');
		await call('POST', `${base}/d`, { params: {}, content: '{"y":2}', headers: { 'Content-Type': 'application/json', Authorization: 'Token t' } });
		assert.equal(seen[1].body, '{"y":2}');
		assert.equal(seen[1].headers.authorization, 'Token t');
		await call('GET', `${base}/a`, { auth: 'user:pw' });
		assert.equal(seen[2].headers.authorization, `Basic ${Buffer.from('user:pw').toString('base64')}`);
		await assert.rejects(call('GET', `${base}/a`, { auth: 'nocolon' }), { message: 'auth option should be of the form "username:password"' });
	});

	it('rejects a timeout with "The user aborted a request." and waits 3 minutes when no timeout is given', async () => {
		await assert.rejects(call('GET', `${base}/slow`, { timeout: 200 }), { message: 'The user aborted a request.' });
		assert.equal(DEFAULT_TIMEOUT_MS, 3 * 60 * 1000);
		const original = AbortSignal.timeout;
		/** @type {number[]} */
		const asked = [];
		AbortSignal.timeout = (ms) => (asked.push(ms), original.call(AbortSignal, ms));
		try {
			await call('GET', `${base}/p`);
		} finally {
			AbortSignal.timeout = original;
		}
		assert.deepEqual(asked, [180000]);
	});

	it('rejects a network error with node-fetch\'s text, which holds the full URL', async () => {
		const port = await freePort();
		const url = `http://127.0.0.1:${port}/api/v2/messages.json?contact=c1&after=2020`;
		await assert.rejects(call('GET', url), { message: `request to ${url} failed, reason: connect ECONNREFUSED 127.0.0.1:${port}` });
	});
});
