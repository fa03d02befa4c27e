// @ts-check
// Chatbot history (PROTOCOL §4) and settings checks, end to end: the app reads
// a RapidPro API stand-in (paged messages.json, newest first, token check) and
// posts one summary into the new room as the app's user.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { appUrl, http, login, setAppSettings, startHostProcess, startReceiver, waitFor } from './helpers/index.mjs';
import { startRapidProApi } from './helpers/rapidpro-api.mjs';
import { rapidProClient } from './helpers/rapidpro-client.mjs';

const SECRET = 'HISTORY23456789ABCDEFGHJKLMNPQRS';
/** The app's request timeout (s): immediate answers stay far inside it on a loaded machine; the slow API is seconds past it. */
const REQUEST_TIMEOUT_S = 4;

describe('chatbot history and settings', () => {
	/** @type {Awaited<ReturnType<typeof startHostProcess>>} */ let host;
	/** @type {Awaited<ReturnType<typeof login>>} */ let auth;
	/** @type {Awaited<ReturnType<typeof startReceiver>>} */ let receiver;
	/** @type {Awaited<ReturnType<typeof startRapidProApi>>} */ let api;
	/** @type {ReturnType<typeof rapidProClient>} */ let rp;

	const roomMessages = async (rid) =>
		(await http(`${host.url}/api/v1/chat.syncMessages?roomId=${rid}&lastUpdate=${new Date(0).toISOString()}`, { headers: auth.headers })).json.result.updated;
	const summaries = async (rid) => (await roomMessages(rid)).filter((m) => /Chatbot conversation|\(continued\)/.test(m.msg || ''));
	const settings = async () => (await http(`${host.url}/api/apps/${host.appId}/settings`, { headers: auth.headers })).json.settings;
	const contact = (n) => `c0ffee00-0000-4000-8000-${String(n).padStart(12, '0')}`;

	before(async () => {
		host = await startHostProcess();
		auth = await login(host.url);
		receiver = await startReceiver();
		api = await startRapidProApi({ pageSize: 3 });
		rp = rapidProClient(appUrl(host.url, host.appId), SECRET);
		await setAppSettings(host.url, auth, host.appId, { app_secret: SECRET, rapidpro_api_token: api.token, rapidpro_api_url: api.url, request_timeout: REQUEST_TIMEOUT_S });
		await waitFor(async () => (await rp.secretCheck()).status === 204, { what: 'the secret to apply' });
		assert.equal((await rp.settings(`${receiver.url}/callback`)).status, 204);
	});

	after(async () => {
		await api?.close();
		await receiver?.close();
		if (host) await host.stop();
	});

	it('posts the conversation since sessionStart, oldest first, every page followed, as the app user', async () => {
		api.add(contact(3001), [
			{ direction: 'out', text: 'too old, before the session', created_on: '2020-07-17T10:00:00.000Z' },
			{ direction: 'in', text: 'Oi', created_on: '2020-07-17T10:29:00.000Z' },
			{ direction: 'out', text: 'Olá! Como posso ajudar?', created_on: '2020-07-17T10:29:05.000Z' },
			{ direction: 'in', text: 'Quero falar com alguém', created_on: '2020-07-17T10:30:00.000Z', attachments: [{ content_type: 'image/jpeg', url: 'https://files.example.com/p.jpg' }] },
			{ direction: 'out', text: 'Vou transferir', created_on: '2020-07-17T10:30:10.000Z' },
			{ direction: 'in', text: 'ok', created_on: '2020-07-17T10:31:00.000Z' },
			{ direction: 'out', text: 'Um momento', created_on: '2020-07-17T10:31:30.000Z' },
			{ direction: 'in', text: 'obrigado', created_on: '2020-07-17T10:32:00.000Z' },
		]);
		const res = await rp.openRoom('H-1', '3001', { name: 'Ana' }, { sessionStart: '2020-07-17 10:28' });
		assert.equal(res.status, 200, res.text);
		const [summary] = await waitFor(async () => { const s = await summaries(res.json.id); return s.length > 0 && s; }, { what: 'the history summary' });
		assert.equal(summary.msg, [
			'Chatbot conversation before this ticket (7 messages):',
			'2020-07-17 10:29 UTC **Contact:** Oi',
			'2020-07-17 10:29 UTC **Bot:** Olá! Como posso ajudar?',
			'2020-07-17 10:30 UTC **Contact:** Quero falar com alguém [image/jpeg](https://files.example.com/p.jpg)',
			'2020-07-17 10:30 UTC **Bot:** Vou transferir',
			'2020-07-17 10:31 UTC **Contact:** ok',
			'2020-07-17 10:31 UTC **Bot:** Um momento',
			'2020-07-17 10:32 UTC **Contact:** obrigado',
		].join('\n'));
		assert.notEqual(summary.token, '3001', 'not posted as the visitor');
		assert.equal(summary.u.username.endsWith('.bot'), true, `posted by the app user, got ${summary.u.username}`);
		const pages = api.requests.filter((r) => r.path.includes(contact(3001)));
		assert.equal(pages.length, 3, 'all three pages read');
		assert.ok(pages.every((r) => r.auth === `Token ${api.token}`));
		assert.match(pages[0].path, /after=2020-07-17T10%3A28%3A00\.000Z/);
	});

	// Rocket.Chat's HTTP bridge parses the body into `data` only for exactly application/json (or JavaScript);
	// for anything else `data` is null and the app must read the text itself.
	it('reads the pages when they come labelled text/plain or application/vnd.rapidpro+json, which the bridge leaves unparsed (and with a charset, which it parses)', async () => {
		for (const [n, type] of [[3101, 'text/plain'], [3102, 'application/json; charset=utf-8'], [3103, 'application/vnd.rapidpro+json']]) {
			api.contentType(type);
			api.add(contact(n), [
				{ direction: 'in', text: `hello ${n}`, created_on: new Date(Date.now() - 60000).toISOString() },
				{ direction: 'out', text: `hi ${n}`, created_on: new Date(Date.now() - 50000).toISOString() },
			]);
			const res = await rp.openRoom(`H-T${n}`, String(n));
			assert.equal(res.status, 200, res.text);
			const [summary] = await waitFor(async () => { const s = await summaries(res.json.id); return s.length > 0 && s; }, { what: `the history summary read as ${type}` });
			assert.match(summary.msg, new RegExp(`\\*\\*Contact:\\*\\* hello ${n}\n.*\\*\\*Bot:\\*\\* hi ${n}`));
		}
		api.contentType('application/json');
	});

	it('posts the history once: a retried /room adds nothing, and the summary is not sent to RapidPro', async () => {
		const rid = (await rp.openRoom('H-1', '3001')).json.id;
		await new Promise((r) => setTimeout(r, 1000));
		assert.equal((await summaries(rid)).length, 1);
		assert.equal(receiver.requests.filter((r) => JSON.stringify(r.json).includes('Chatbot conversation')).length, 0);
	});

	it('posts nothing for an empty history', async () => {
		const rid = (await rp.openRoom('H-2', '3002')).json.id;
		await waitFor(() => api.requests.some((r) => r.path.includes(contact(3002))), { what: 'the API read' });
		await new Promise((r) => setTimeout(r, 500));
		assert.equal((await summaries(rid)).length, 0);
	});

	it('retries a failing API and then posts; a refused token is logged and the ticket still works', async () => {
		api.add(contact(3003), [{ direction: 'in', text: 'socorro', created_on: new Date(Date.now() - 60000).toISOString() }]);
		api.fail({ status: 502 });
		const res = await rp.openRoom('H-3', '3003');
		assert.equal(res.status, 200, 'the ticket opens although the API fails');
		await waitFor(() => /chatbot history not read \(attempt 1\): RapidPro API answered HTTP 502/.test(host.output()), { what: 'the retry log' });
		api.fail(undefined);
		const [summary] = await waitFor(async () => { const s = await summaries(res.json.id); return s.length > 0 && s; }, { timeoutMs: 15000, what: 'the summary after a retry' });
		assert.match(summary.msg, /\*\*Contact:\*\* socorro/);

		await setAppSettings(host.url, auth, host.appId, { rapidpro_api_token: 'WRONG' });
		await new Promise((r) => setTimeout(r, 300));
		const bad = await rp.openRoom('H-4', '3004');
		assert.equal(bad.status, 200);
		await waitFor(() => /gave up reading the chatbot history: RapidPro API answered HTTP 403 \(check the RapidPro API Token\)/.test(host.output()), { what: 'the give-up log' });
		assert.doesNotMatch(host.output(), /WRONG/, 'the token is never logged');
		assert.equal((await rp.visitorMessage('3004', 'still works')).status, 201);
	});

	it('gives a RapidPro API slower than request_timeout up for this attempt and posts on the retry', async () => {
		await setAppSettings(host.url, auth, host.appId, { rapidpro_api_token: api.token });
		await new Promise((r) => setTimeout(r, 300));
		api.add(contact(3005), [{ direction: 'in', text: 'devagar', created_on: new Date(Date.now() - 60000).toISOString() }]);
		api.fail({ delayMs: REQUEST_TIMEOUT_S * 1000 + 4000 }); // seconds past request_timeout, also on a loaded machine
		const res = await rp.openRoom('H-5', '3005');
		assert.equal(res.status, 200, 'the ticket does not wait for the API');
		await waitFor(() => /ticket H-5: chatbot history not read \(attempt 1\): RapidPro API request failed/.test(host.output()), { what: 'the timeout log' });
		api.fail(undefined);
		const [summary] = await waitFor(async () => { const s = await summaries(res.json.id); return s.length > 0 && s; }, { timeoutMs: 15000, what: 'the summary after the timeout' });
		assert.match(summary.msg, /\*\*Contact:\*\* devagar/);
	});

	it('refuses a setting value it cannot use and keeps the old one', async () => {
		await setAppSettings(host.url, auth, host.appId, { request_timeout: 'soon' });
		assert.equal((await settings()).request_timeout.value, REQUEST_TIMEOUT_S);
		assert.match(host.output(), /setting not saved: request_timeout must be a number/);
		await setAppSettings(host.url, auth, host.appId, { rapidpro_api_url: 'ftp://rapidpro.example.com' });
		assert.equal((await settings()).rapidpro_api_url.value, api.url);
		await setAppSettings(host.url, auth, host.appId, { request_timeout: 7 });
		assert.equal((await settings()).request_timeout.value, 7);
	});
});
