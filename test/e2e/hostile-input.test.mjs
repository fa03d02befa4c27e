// @ts-check
// Hostile input through the host, as the internet could send it: generated
// malformed bodies for every endpoint and method (wrong types, nulls, arrays,
// Mongo operators, deep nesting, 5 MB strings, invalid UTF-8, prototype keys,
// wrong and missing content types), wrong and missing authorization, and
// oversized attachment lists. Each must get the right 4xx with {"error"}
// naming the problem, within a second, with nothing internal in it; and after
// all of it the stored state is what it was and the app still serves.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { appUrl, http, login, setAppSettings, startHostProcess, startReceiver, waitFor } from './helpers/index.mjs';
import { startRapidProApi } from './helpers/rapidpro-api.mjs';
import { rapidProClient } from './helpers/rapidpro-client.mjs';

const SECRET = 'HOSTILE23456789ABCDEFGHJKLMNPQRS';
const API_TOKEN = 'APITOKEN-HOSTILE-0123456789abcdef';
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'];
const FIVE_MB = 'x'.repeat(5 * 1024 * 1024);
/** Marks a body Rocket.Chat refuses before the app (see `before` in Case). */
const BEFORE = /(?:)/;

/**
 * `before`: Rocket.Chat answers before the app is called (its body-parser refuses the body), with Express's
 * own error page instead of the app's {"error"}.
 * @typedef {{ label: string, endpoint: string, method: string, body?: string | Buffer, headers?: Record<string,string>,
 *   status: number | number[], names?: RegExp, auth?: boolean, before?: boolean }} Case
 */

/**
 * Express's final handler page for an error (production: the status text, no stack), which is what
 * Rocket.Chat answers when body-parser refuses a body in front of an app endpoint (apps/meteor/app/apps/server/bridges/router.ts).
 */
const expressErrorPage = (/** @type {string} */ statusText) => `<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Error</title>\n</head>\n<body>\n<pre>${statusText}</pre>\n</body>\n</html>\n`;
const STATUS_TEXT = { 400: 'Bad Request', 413: 'Payload Too Large' };

/** Wrong values for a field read as a string; `numberOk` for fields that take a number too (tokens, ids). */
const wrongForString = (numberOk) => [true, ...(numberOk ? [] : [42]), {}, [], ['x'], { $ne: null }, { $gt: '' }, { $where: 'sleep(1000)' }, { $regex: '.*' }];
const wrongForObject = ['x', 42, true, [], [{}], ['x']];
const setPath = (body, path, value) => {
	const copy = structuredClone(body);
	let at = copy;
	for (const key of path.slice(0, -1)) at = at[key];
	at[path[path.length - 1]] = value;
	return copy;
};
const deepArray = (n) => '['.repeat(n) + ']'.repeat(n);
const deepObject = (n) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);

/**
 * Bodies that would otherwise be valid, and how each field of them is read:
 * `required`, `kind` (string, string-or-number, object), `max` length, and the
 * label the app uses in its messages.
 */
const BODIES = {
	settings: {
		methods: ['PUT', 'POST'],
		valid: { webhook: { url: 'https://rapidpro.example.com/mr/tickets/types/rocketchat/event_callback/00000000-0000-4000-8000-00000000dead' } },
		fields: [
			{ path: ['webhook'], label: 'webhook', kind: 'object', required: true },
			{ path: ['webhook', 'url'], label: 'webhook.url', kind: 'url', required: true, max: 4096 },
		],
	},
	room: {
		methods: ['GET', 'POST'],
		valid: { ticketID: 'HX-never', priority: 'high', sessionStart: '2020-07-17 10:28', visitor: { token: '7001', contactUUID: 'c0ffee00-0000-4000-8000-000000007001', department: 'Sales', name: 'N', email: 'e@example.com', phone: '+55', customFields: { cpf: '1' } } },
		fields: [
			{ path: ['ticketID'], label: 'ticketId', kind: 'stringOrNumber', required: true, max: 255 },
			{ path: ['priority'], label: 'priority', kind: 'stringOrNumber', max: 64 },
			{ path: ['sessionStart'], label: 'sessionStart', kind: 'string', max: 255 },
			{ path: ['visitor'], label: 'visitor', kind: 'object', required: true },
			{ path: ['visitor', 'token'], label: 'visitor.token', kind: 'stringOrNumber', required: true, max: 255 },
			{ path: ['visitor', 'contactUUID'], label: 'visitor.contactUuid', kind: 'string', max: 255 },
			{ path: ['visitor', 'department'], label: 'visitor.department', kind: 'string', max: 255 },
			{ path: ['visitor', 'name'], label: 'visitor.name', kind: 'string', max: 255 },
			{ path: ['visitor', 'email'], label: 'visitor.email', kind: 'string', max: 255 },
			{ path: ['visitor', 'phone'], label: 'visitor.phone', kind: 'stringOrNumber', max: 64 },
			{ path: ['visitor', 'customFields'], label: 'visitor.customFields', kind: 'object' },
			{ path: ['visitor', 'customFields', 'cpf'], label: 'visitor.customFields.cpf', kind: 'customValue', max: 1024 },
		],
	},
	'room.close': {
		methods: ['GET', 'POST'],
		valid: { ticketID: 'HX-never', visitor: { token: '7002' } },
		fields: [
			{ path: ['ticketID'], label: 'ticketId', kind: 'stringOrNumber', max: 255 },
			{ path: ['visitor'], label: 'visitor', kind: 'object', required: true },
			{ path: ['visitor', 'token'], label: 'visitor.token', kind: 'stringOrNumber', required: true, max: 255 },
		],
	},
	'visitor-message': {
		methods: ['POST'],
		valid: { visitor: { token: '7003' }, text: 'hi', attachments: [{ type: 'image/png', url: 'https://files.example.com/a.png' }] },
		fields: [
			{ path: ['visitor'], label: 'visitor', kind: 'object', required: true },
			{ path: ['visitor', 'token'], label: 'visitor.token', kind: 'stringOrNumber', required: true, max: 255 },
			{ path: ['text'], label: 'text', kind: 'string', max: 20000 },
			{ path: ['attachments'], label: 'attachments', kind: 'attachments' },
		],
	},
};
const ENDPOINTS = ['secret.check', ...Object.keys(BODIES)];
const ALLOWED = { 'secret.check': ['GET', 'POST'], ...Object.fromEntries(Object.entries(BODIES).map(([e, b]) => [e, b.methods])) };
const json = { 'content-type': 'application/json' };

/** Every bad value each field of each body endpoint can get, in every method it answers. */
function fieldCases() {
	/** @type {Case[]} */
	const cases = [];
	const url = 'https://files.example.com/a.png';
	for (const [endpoint, spec] of Object.entries(BODIES)) {
		for (const field of spec.fields) {
			const values = [];
			if (field.required) values.push(null);
			if (field.kind === 'object') values.push(...wrongForObject);
			if (field.kind === 'string' || field.kind === 'stringOrNumber' || field.kind === 'url') {
				values.push(...wrongForString(field.kind === 'stringOrNumber'), 'x'.repeat(field.max + 1));
				if (field.required) values.push('');
			}
			if (field.kind === 'url') values.push('/relative/cb', 'ftp://rapidpro.example.com/cb', 'javascript:alert(1)', 'http://', 'https://user:pw@evil.example.com/cb', 'http://exa mple.com/cb', '//evil.example.com/cb');
			if (field.kind === 'customValue') values.push({}, [], ['x'], { $ne: null }, 'x'.repeat(field.max + 1));
			if (field.kind === 'attachments') {
				values.push('x', 42, true, {}, { $in: [] }, [null], ['x'], [{}], [{ type: 'image/png' }], [{ url }], [{ type: { $ne: null }, url }],
					[{ type: 'image/png', url: 'javascript:alert(1)' }], [{ type: 'image/png', url: 'file:///etc/passwd' }], [{ type: 'image/png', url: '//evil.example.com/a.png' }],
					[{ type: 'image/png', url: 'https://user:pw@evil.example.com/a.png' }], [{ type: 'x'.repeat(256), url }], [{ type: 'image/png', url: `https://e.example.com/${'a'.repeat(4096)}` }],
					Array.from({ length: 33 }, () => ({ type: 'image/png', url })));
			}
			for (const value of values) {
				for (const method of spec.methods) {
					const shown = JSON.stringify(value);
					cases.push({
						label: `${method} ${endpoint} ${field.label} = ${shown.length > 40 ? `${shown.slice(0, 40)}…` : shown}`,
						endpoint, method, headers: json, body: JSON.stringify(setPath(spec.valid, field.path, value)),
						status: 400, names: new RegExp(field.label.replace(/\./g, '\\.')),
					});
				}
			}
		}
		// More custom fields than the limit, and a key longer than an id.
		for (const method of spec.methods.filter(() => endpoint === 'room')) {
			const many = Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, 'v']));
			cases.push({ label: `${method} room 65 custom fields`, endpoint, method, headers: json, body: JSON.stringify(setPath(spec.valid, ['visitor', 'customFields'], many)), status: 400, names: /customFields has more than 64/ });
			cases.push({ label: `${method} room long custom field key`, endpoint, method, headers: json, body: JSON.stringify(setPath(spec.valid, ['visitor', 'customFields'], { ['k'.repeat(300)]: 'v' })), status: 400, names: /customFields/ });
		}
	}
	return cases;
}

/**
 * Bodies that are not a JSON object at all, bad JSON, invalid UTF-8, and nesting the app still receives.
 * `BEFORE` marks what Rocket.Chat's body-parser (strict JSON: an object or an array) refuses before the app.
 */
function wholeBodyCases() {
	/** @type {Case[]} */
	const cases = [];
	const raws = [
		['an empty object', '{}', 400, /required/],
		['an array', '[]', 400, /body must be a JSON object/],
		['an array of an object', '[{}]', 400, /body must be a JSON object/],
		['a JSON string', '"{\\"ticketID\\":\\"x\\"}"', 400, BEFORE],
		['a number', '42', 400, BEFORE],
		['null', 'null', 400, BEFORE],
		['true', 'true', 400, BEFORE],
		['a cut-off object', '{"visitor": {"token": ', 400, BEFORE],
		['a trailing comma', '{"a":1,}', 400, BEFORE],
		['single quotes', "{'a':1}", 400, BEFORE],
		['NaN', 'NaN', 400, BEFORE],
		['a NUL byte', '\u0000', 400, BEFORE],
		// body-parser decodes through iconv-lite, which drops a UTF-8 byte order mark: the app gets {}.
		['a byte order mark', '\ufeff{}', 400, /required/],
		['a lone surrogate', '{"junk":"\\ud800"}', 400, /required/],
		['invalid UTF-8 inside a string', Buffer.concat([Buffer.from('{"junk":"'), Buffer.from([0xff, 0xfe, 0xfd, 0xc3, 0x28, 0xa0, 0xa1]), Buffer.from('"}')]), 400, /required/],
		['invalid UTF-8 as a value', Buffer.concat([Buffer.from('{"visitor":'), Buffer.from([0xc3, 0x28]), Buffer.from('}')]), 400, BEFORE],
		['invalid UTF-8 in a key', Buffer.concat([Buffer.from('{"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('":1}')]), 400, /required/],
		['constructor.prototype keys', '{"constructor":{"prototype":{"ticketID":"P","visitor":{"token":"P"},"webhook":{"url":"https://evil.example.com/cb"}}}}', 400, /required/],
		['prototype-looking keys inside visitor', '{"visitor":{"constructor":{"prototype":{"token":"P"}},"hasOwnProperty":1,"toString":"x","valueOf":{}}}', 400, /required/],
		['Mongo operators as the whole visitor', '{"ticketID":{"$ne":null},"visitor":{"$where":"1"},"webhook":{"$set":{"url":"x"}}}', 400, /must be|required/],
		['nesting 90 deep where an object belongs', `{"ticketID":"x","visitor":${deepArray(90)},"webhook":${deepArray(90)}}`, 400, /visitor|webhook/],
		['nesting 90 deep where a string belongs', `{"ticketID":${deepObject(90)},"visitor":{"token":${deepObject(90)}},"webhook":{"url":${deepObject(90)}}}`, 400, /must be a string/],
	];
	for (const [endpoint, spec] of Object.entries(BODIES)) {
		for (const method of spec.methods) {
			for (const [what, body, status, names] of raws) {
				const before = names === BEFORE;
				cases.push({ label: `${method} ${endpoint} body: ${what}`, endpoint, method, headers: json, body: /** @type {string | Buffer} */ (body), status: /** @type {number} */ (status), before, names: before ? undefined : /** @type {RegExp} */ (names) });
			}
		}
	}
	return cases;
}

/** A body that would be valid, sent with a content type that is not JSON, or none. */
function contentTypeCases() {
	/** @type {Case[]} */
	const cases = [];
	const types = ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json-patch+json', 'application/xml', 'text/json'];
	for (const [endpoint, spec] of Object.entries(BODIES)) {
		for (const method of spec.methods) {
			for (const type of types) {
				cases.push({ label: `${method} ${endpoint} content-type ${type}`, endpoint, method, headers: { 'content-type': type }, body: JSON.stringify(spec.valid), status: 415, names: /content-type must be application\/json/ });
			}
			// No content type: Rocket.Chat's body parser leaves the body empty, so the fields are missing.
			cases.push({ label: `${method} ${endpoint} without a content type`, endpoint, method, headers: {}, body: JSON.stringify(spec.valid), status: 400, names: /required/ });
		}
	}
	return cases;
}

/** Methods an endpoint does not answer: 405 naming the ones it does. */
function methodCases() {
	return ENDPOINTS.flatMap((endpoint) => METHODS.filter((m) => !ALLOWED[endpoint].includes(m)).map((method) => ({
		label: `${method} ${endpoint}`, endpoint, method, headers: json, body: '{}', status: 405, names: /method not allowed: use (GET|PUT|POST)/,
	})));
}

/** Missing, wrong and Bearer authorization on every endpoint, with each method it answers and one it does not. */
function authCases() {
	const headers = [
		['no Authorization', undefined],
		['Bearer with the secret', `Bearer ${SECRET}`],
		['Basic', `Basic ${Buffer.from(`admin:${SECRET}`).toString('base64')}`],
		['the bare secret', SECRET],
		['Token alone', 'Token'],
		['a wrong token', 'Token WRONG23456789ABCDEFGHJKLMNPQRS'],
		['the secret plus a character', `Token ${SECRET}X`],
		['the secret less a character', `Token ${SECRET.slice(0, -1)}`],
		['the secret in lower case', `Token ${SECRET.toLowerCase()}`],
		['12 KB of spaces', `Token a${' '.repeat(12000)}b`],
	];
	/** @type {Case[]} */
	const cases = [];
	for (const endpoint of ENDPOINTS) {
		for (const method of [...ALLOWED[endpoint], 'DELETE']) {
			for (const [what, value] of headers) {
				const body = BODIES[endpoint] ? JSON.stringify(BODIES[endpoint].valid) : '{}';
				cases.push({ label: `${method} ${endpoint} with ${what}`, endpoint, method, auth: false, headers: { ...json, ...(value && { authorization: value }) }, body, status: 401, names: /^unauthorized$/ });
			}
		}
	}
	return cases;
}

/** Bodies over Rocket.Chat's 100 KB: refused with 413 before the app, authenticated or not. */
function oversizeCases() {
	/** @type {Case[]} */
	const cases = [];
	const url = `https://files.example.com/${'a'.repeat(4000)}.png`;
	for (const [endpoint, spec] of Object.entries(BODIES)) {
		for (const method of spec.methods) {
			for (const auth of [true, false]) {
				cases.push({ label: `${method} ${endpoint} a 5 MB string${auth ? '' : ' without the secret'}`, endpoint, method, auth, headers: json, body: JSON.stringify({ ...spec.valid, text: FIVE_MB }), status: 413, before: true });
			}
			cases.push({ label: `${method} ${endpoint} 5 MB of garbage`, endpoint, method, headers: json, body: FIVE_MB, status: 413, before: true });
		}
	}
	const list = (n, u) => JSON.stringify({ visitor: { token: '7003' }, text: 'x', attachments: Array.from({ length: n }, () => ({ type: 'image/png', url: u })) });
	cases.push({ label: 'visitor-message 32 attachments of 4 KB URLs', endpoint: 'visitor-message', method: 'POST', headers: json, body: list(32, url), status: 413, before: true });
	cases.push({ label: 'visitor-message 10,000 attachments', endpoint: 'visitor-message', method: 'POST', headers: json, body: list(10000, 'https://f.example.com/a'), status: 413, before: true });
	cases.push({ label: 'visitor-message 1,000 small attachments', endpoint: 'visitor-message', method: 'POST', headers: json, body: list(1000, 'https://f.co/a'), status: 400, names: /attachments has more than 32 items/ });
	return cases;
}

/** What no answer may show: stack lines, source paths, exception names, database words. */
const INTERNAL = /\n\s+at |\bat [\w.<>$]+ \(|\.(ts|js|mjs):\d+|\/work\/|\/tmp\/|node_modules|deno-runtime|TypeError|ReferenceError|RangeError|Meteor|MongoError|ECONN|internal error/i;

describe('hostile input through the host', () => {
	/** @type {Awaited<ReturnType<typeof startHostProcess>>} */ let host;
	/** @type {Awaited<ReturnType<typeof login>>} */ let auth;
	/** @type {Awaited<ReturnType<typeof startReceiver>>} */ let receiver;
	/** @type {Awaited<ReturnType<typeof startRapidProApi>>} */ let api;
	/** @type {ReturnType<typeof rapidProClient>} */ let rp;
	let base = '';
	let known = { rid: '', visitorId: '' };
	/** @type {string[]} every answer the suite got, checked for the secrets at the end */
	const answers = [];
	/** @type {any} */ let stateBefore;
	let webhookUrl = '';

	const openRooms = async () => (await http(`${host.url}/api/v1/livechat/rooms?open=true&count=1000`, { headers: auth.headers })).json.rooms;
	const stats = async () => (await http(`${host.url}/api/host/stats?association=misc:tickets:open&prefix=misc:tickets:closed-at:&association=misc:tickets:cursor:sweep&association=misc:tickets:outbox:pending&association=misc:tickets:outbox:failed`, { headers: auth.headers })).json;
	/** What a request could have changed: open rooms, Rocket.Chat's records, the app's records (jobs and settings come and go by themselves). */
	const state = async () => {
		const rooms = (await openRooms()).map((r) => r._id).sort();
		if (host.remote) return { rooms };
		const { collections, apps } = await stats();
		const { jobs, users, serverSettings, apps: installed, appSources, ...stored } = collections;
		return { rooms, stored, apps };
	};

	/** Sends one case; returns what is wrong with the answer (empty when right). */
	const run = async (/** @type {Case} */ c) => {
		const headers = { ...(c.auth !== false && { authorization: `Token ${SECRET}` }), ...c.headers };
		const started = Date.now();
		const res = await http(`${base}/${c.endpoint}`, { method: c.method, headers, body: c.body, timeoutMs: 15000 });
		const ms = Date.now() - started;
		answers.push(res.text);
		const wrong = [];
		const statuses = [].concat(c.status);
		if (!statuses.includes(res.status)) wrong.push(`status ${res.status}, expected ${statuses.join('/')}`);
		if (c.before) {
			const page = expressErrorPage(STATUS_TEXT[res.status] || '?');
			if (c.method !== 'HEAD' && res.text !== page) wrong.push(`not Express's error page: ${res.text.slice(0, 120)}`);
			if (!/^text\/html; charset=utf-8$/.test(String(res.headers['content-type']))) wrong.push(`content-type ${res.headers['content-type']}`);
		} else if (c.method !== 'HEAD') {
			const error = res.json?.error;
			if (typeof error !== 'string' || error === '') wrong.push('no {"error": string}');
			else if (c.names && !c.names.test(error)) wrong.push(`"${error.slice(0, 120)}" does not name ${c.names}`);
		}
		if (INTERNAL.test(res.text)) wrong.push(`internal detail: ${res.text.slice(0, 200)}`);
		for (const id of [known.rid, known.visitorId, auth.userId].filter(Boolean)) if (res.text.includes(id)) wrong.push(`internal id ${id}`);
		if (ms > 1000) wrong.push(`took ${ms} ms`);
		return wrong.map((w) => `${c.label}: ${w}`);
	};

	/** Runs cases a few at a time, as several clients would, and fails listing every wrong answer. */
	const runAll = async (/** @type {Case[]} */ cases, parallel = 4) => {
		const wrong = [];
		let next = 0;
		await Promise.all(Array.from({ length: parallel }, async () => {
			while (next < cases.length) wrong.push(...(await run(cases[next++])));
		}));
		assert.deepEqual(wrong, [], `${wrong.length} of ${cases.length} answers were wrong:\n${wrong.slice(0, 40).join('\n')}`);
	};

	before(async () => {
		host = await startHostProcess({ args: ['--fresh'] });
		auth = await login(host.url);
		receiver = await startReceiver();
		api = await startRapidProApi({ token: API_TOKEN });
		base = appUrl(host.url, host.appId);
		rp = rapidProClient(base, SECRET);
		await setAppSettings(host.url, auth, host.appId, { app_secret: SECRET, rapidpro_api_token: API_TOKEN, rapidpro_api_url: api.url });
		await waitFor(async () => (await rp.secretCheck()).status === 204, { what: 'the secret to apply' });
		webhookUrl = `${receiver.url}/mr/tickets/types/rocketchat/event_callback/00000000-0000-4000-8000-000000000001`;
		assert.equal((await rp.settings(webhookUrl)).status, 204);
		const opened = await rp.openRoom('H-1', '9001', { name: 'Known Visitor' });
		assert.equal(opened.status, 200, opened.text);
		const room = (await openRooms()).find((r) => r._id === opened.json.id);
		known = { rid: room._id, visitorId: room.v._id };
		// The history job of the new room reads the API once; wait so the state below is settled.
		await waitFor(() => api.requests.length > 0, { what: 'the chatbot history request' });
		// The sweep Rocket.Chat runs at startup stores its cursor (one record) at Agenda's first poll.
		if (!host.remote) await waitFor(async () => (await stats()).apps[host.appId].associations['misc:tickets:cursor:sweep'] === 1, { what: 'the first sweep' });
		stateBefore = await state();
	});

	after(async () => {
		await api?.close();
		await receiver?.close();
		if (host) await host.stop();
	});

	it('answers every bad field value on every endpoint and method with 400 naming the field', async () => {
		await runAll(fieldCases());
	});

	it('answers bodies that are not a JSON object, invalid UTF-8 and prototype-looking keys with 400, and bad JSON with Rocket.Chat\'s own 400 page before the app', async () => {
		await runAll(wholeBodyCases());
	});

	it('answers a content type other than JSON with 415, and no content type with 400', async () => {
		await runAll(contentTypeCases());
	});

	it('answers a method an endpoint does not serve with 405 naming the ones it does', async () => {
		await runAll(methodCases());
	});

	it('answers missing, wrong and Bearer authorization with 401, whatever the method and body', async () => {
		await runAll(authCases());
	});

	it('refuses bodies over 100 KB with Rocket.Chat\'s own 413 page before the app (5 MB strings, oversized attachment lists)', async () => {
		await runAll(oversizeCases(), 2);
	});

	// The Apps-Engine carries a request to the app's runtime as msgpack, which stops at depth 100: Rocket.Chat
	// itself answers 500 (text) before the app is called, with or without the secret. Nothing reaches the app.
	it('answers nesting deeper than the runtime carries with Rocket.Chat\'s own 500, before the app, fast, and keeps serving', async () => {
		for (const [endpoint, spec] of Object.entries(BODIES)) {
			for (const body of [`{"visitor":${deepArray(2000)}}`, `{"visitor":{"token":${deepObject(2000)}}}`, deepArray(2000), `{"junk":${deepArray(40000)}}`]) {
				for (const authorization of [`Token ${SECRET}`, undefined]) {
					const started = Date.now();
					const res = await http(`${base}/${endpoint}`, { method: spec.methods[0], headers: { ...json, ...(authorization && { authorization }) }, body });
					answers.push(res.text);
					assert.ok(res.status === 500 && /^(Too deep objects in depth \d+|Parse error)$/.test(res.text), `${endpoint}: ${res.status} ${res.text.slice(0, 200)}`);
					assert.ok(Date.now() - started < 1000);
				}
			}
		}
		assert.equal((await rp.secretCheck()).status, 204, 'the app still serves');
	});

	it('has changed nothing stored: the same open rooms and records, the known visitor answered, the webhook URL kept', async () => {
		assert.deepEqual(await state(), stateBefore);
		const message = await rp.visitorMessage('9001', 'still here after the storm');
		assert.equal(message.status, 201, message.text);
		const before = receiver.requests.length;
		const sent = await http(`${host.url}/api/v1/chat.sendMessage`, { method: 'POST', headers: auth.headers, json: { message: { rid: known.rid, msg: 'agent still heard' } } });
		assert.equal(sent.json?.success, true, sent.text);
		const [hook] = await waitFor(() => {
			const found = receiver.requests.slice(before).filter((r) => r.json?.type === 'agent-message');
			return found.length > 0 && found;
		}, { what: 'the agent message at the registered webhook URL' });
		assert.equal(`${receiver.url}${hook.path}`, webhookUrl);
		assert.deepEqual(hook.json, { type: 'agent-message', ticketId: 'H-1', visitor: { token: '9001' }, data: { text: 'agent still heard', attachments: [] } });
	});

	it('passes on only the server\'s own file links: URLs written into an agent message\'s attachments are not forwarded', async () => {
		const before = receiver.requests.length;
		const attachments = [{ image_url: 'https://evil.example.com/x.png', title: 'x', title_link: 'javascript:alert(1)' }];
		const sent = await http(`${host.url}/api/v1/chat.sendMessage`, { method: 'POST', headers: auth.headers, json: { message: { rid: known.rid, msg: 'with a foreign image', attachments } } });
		assert.equal(sent.json?.success, true, sent.text);
		const hook = await waitFor(() => receiver.requests.slice(before).find((r) => r.json?.data?.text === 'with a foreign image'), { what: 'the agent message' });
		assert.deepEqual(hook.json.data.attachments, []);
	});

	it('takes prototype-looking and operator keys in custom fields as plain data, and behaves the same afterwards', async () => {
		const odd = await rp.openRoom('H-2', '9002', { customFields: { constructor: 'c', prototype: 'p', toString: 't', hasOwnProperty: 'h', $where: 'w', 'a.b': 'd' } });
		assert.equal(odd.status, 200, odd.text);
		const missing = await rp.call('GET', 'room', { visitor: { token: '9003' } });
		assert.equal(missing.status, 400);
		assert.equal(missing.json.error, 'ticketId is required', 'no ticket id came from a polluted prototype');
		assert.equal((await rp.visitorMessage('9002', 'normal')).status, 201);
		assert.equal((await rp.closeRoom('9002')).status, 204);
	});

	it('stores invalid UTF-8 in a message as U+FFFD, as Rocket.Chat\'s body parser decodes it', async () => {
		const body = Buffer.concat([Buffer.from('{"visitor":{"token":"9001"},"text":"caf'), Buffer.from([0xe9]), Buffer.from(' ok"}')]);
		const res = await http(`${base}/visitor-message`, { method: 'POST', headers: { ...json, authorization: `Token ${SECRET}` }, body });
		assert.equal(res.status, 201, res.text);
		const messages = (await http(`${host.url}/api/v1/chat.syncMessages?roomId=${known.rid}&lastUpdate=${new Date(0).toISOString()}`, { headers: auth.headers })).json.result.updated;
		assert.equal(messages.find((m) => m._id === res.json.id)?.msg, 'caf\ufffd ok');
	});

	it('never shows a secret: not in any answer, not in the host output or app logs, not in /tickets status', async (t) => {
		const run = await http(`${host.url}/api/v1/commands.run`, { method: 'POST', headers: auth.headers, json: { command: 'tickets', params: 'status', roomId: known.rid } });
		assert.equal(run.json?.success, true, run.text);
		if (host.remote) return t.skip('the host output is only readable from the development host');
		await waitFor(() => /notice to admin: \*Tickets — integration status\*/.test(host.output()), { what: 'the status notice' });
		const notice = host.output().slice(host.output().lastIndexOf('*Tickets — integration status*'));
		assert.match(notice, /App Secret: set/);
		assert.ok(api.requests.some((r) => r.auth === `Token ${API_TOKEN}`), 'the API token was in use');
		assert.ok(receiver.requests.some((r) => r.headers.authorization === `Token ${SECRET}`), 'the secret was in use');
		for (const secret of [SECRET, API_TOKEN]) {
			assert.equal(answers.filter((a) => a.includes(secret)).length, 0, 'in an answer');
			assert.ok(!host.output().includes(secret), `in the host output: ${host.output().split('\n').find((l) => l.includes(secret))?.slice(0, 300)}`);
			assert.ok(!notice.includes(secret), 'in /tickets status');
		}
		// The redaction of the runtime's request log (printed with HOST_DEBUG=1 only): host-logs.test.mjs.
	});
});

// A `__proto__` key stalls the app's runtime before the app is called (Apps-Engine, not the app):
// `npm run bench -- --stall` measures it; test/e2e/reverse-proxy.test.mjs shows it refused in front.
