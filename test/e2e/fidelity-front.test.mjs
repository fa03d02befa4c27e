// @ts-check
// What Rocket.Chat answers in front of an app endpoint, and the REST routes the
// suite and a widget use, pinned against the host (and runnable against a real
// server with E2E_URL…, except what needs a second host):
// - apps/meteor/app/apps/server/bridges/router.ts: bodyParser.urlencoded() + json() on
//   /api/apps/public/:appId, before the app is looked up; errors → Express's final handler;
// - apps/meteor/app/apps/server/bridges/api.ts: router.all per endpoint, res.sendStatus(404),
//   res.set(headers).status(status).send(content);
// - apps/meteor/app/api/server/v1/rooms.ts: rooms.media + rooms.mediaConfirm (7.x/8.x),
//   rooms.upload (until 8.0);
// - apps/meteor/app/livechat/server/api/v1/visitor.ts: POST livechat/visitor.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { appUrl, http, login, multipart, setAppSettings, startHostProcess, uploadFile, waitFor } from './helpers/index.mjs';
import { rapidProClient } from './helpers/rapidpro-client.mjs';

const SECRET = 'FRONT234567890ABCDEFGHJKLMNPQRST';
const page = (text) => `<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Error</title>\n</head>\n<body>\n<pre>${text}</pre>\n</body>\n</html>\n`;
const json = { 'content-type': 'application/json' };

describe('in front of the app and the REST surface (fidelity)', () => {
	/** @type {Awaited<ReturnType<typeof startHostProcess>>} */ let host;
	/** @type {Awaited<ReturnType<typeof login>>} */ let auth;
	/** @type {ReturnType<typeof rapidProClient>} */ let rp;
	let base = '';
	let major = 0;

	const openRooms = async () => (await http(`${host.url}/api/v1/livechat/rooms?open=true&count=1000`, { headers: auth.headers })).json.rooms;
	const roomMessages = async (rid) => (await http(`${host.url}/api/v1/chat.syncMessages?roomId=${rid}&lastUpdate=${new Date(0).toISOString()}`, { headers: auth.headers })).json.result.updated;

	before(async () => {
		// A visitor custom field the widget test sets (on a real server: create "cpf", scope visitor).
		const config = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'front-config-')), 'host.json');
		fs.writeFileSync(config, JSON.stringify({ customFields: [{ _id: 'cpf', label: 'CPF', scope: 'visitor' }] }));
		host = await startHostProcess({ args: ['--fresh', '--config', config] });
		auth = await login(host.url);
		base = appUrl(host.url, host.appId);
		rp = rapidProClient(base, SECRET);
		await setAppSettings(host.url, auth, host.appId, { app_secret: SECRET });
		await waitFor(async () => (await rp.secretCheck()).status === 204, { what: 'the secret to apply' });
		major = Number((await http(`${host.url}/api/info`)).json.version.split('.')[0]);
	});

	after(async () => {
		if (host) await host.stop();
	});

	describe('app endpoints', () => {
		it('answers an unknown path or app with Express\'s plain "Not Found", whatever the method', async () => {
			for (const [method, url] of [['GET', `${base}/no-such-endpoint`], ['POST', `${base}/room/extra`], ['DELETE', `${base}`], ['GET', appUrl(host.url, '00000000-0000-4000-8000-000000000000', 'room')]]) {
				const res = await http(url, { method, headers: { authorization: `Token ${SECRET}` } });
				assert.equal(res.status, 404, `${method} ${url}`);
				assert.equal(res.text, 'Not Found');
				assert.equal(res.headers['content-type'], 'text/plain; charset=utf-8');
			}
		});

		it('refuses bad JSON with Express\'s 400 page and a body over 100 KB with its 413 page, before looking up the path', async () => {
			for (const path of ['room', 'no-such-endpoint']) {
				const bad = await http(`${base}/${path}`, { method: 'POST', headers: json, body: '{"ticketID":' });
				assert.equal(bad.status, 400);
				assert.equal(bad.text, page('Bad Request'));
				assert.equal(bad.headers['content-type'], 'text/html; charset=utf-8');
				const big = await http(`${base}/${path}`, { method: 'POST', headers: json, body: JSON.stringify({ x: 'y'.repeat(100 * 1024) }) });
				assert.equal(big.status, 413);
				assert.equal(big.text, page('Payload Too Large'));
			}
			// Strict: only an object or an array gets through (a JSON string, number or null does not).
			for (const body of ['"x"', '1', 'null']) assert.equal((await http(`${base}/room`, { method: 'POST', headers: json, body })).text, page('Bad Request'));
			// A charset the JSON parser cannot decode is refused too (415), by the same page.
			const latin = await http(`${base}/room`, { method: 'POST', headers: { 'content-type': 'application/json; charset=latin1' }, body: '{}' });
			assert.equal(latin.status, 415);
			assert.equal(latin.text, page('Unsupported Media Type'));
		});

		it('drops a UTF-8 byte order mark before the JSON, so the app gets the object', async () => {
			const url = 'https://rapidpro.example.com/mr/tickets/types/rocketchat/event_callback/00000000-0000-4000-8000-00000000b0b0';
			const res = await http(`${base}/settings`, { method: 'PUT', headers: { ...json, authorization: `Token ${SECRET}` }, body: `\ufeff${JSON.stringify({ webhook: { url } })}` });
			assert.equal(res.status, 204, res.text);
		});

		it('passes every method to the app (router.all), matches paths case-insensitively with an optional trailing slash', async () => {
			for (const method of ['DELETE', 'PATCH', 'OPTIONS']) {
				const res = await http(`${base}/secret.check`, { method, headers: { ...json, authorization: `Token ${SECRET}` }, body: '{}' });
				assert.equal(res.status, 405, `${method}: the app's own answer`);
				assert.match(res.json?.error, /method not allowed/);
			}
			for (const path of ['SECRET.CHECK', 'Secret.Check/', 'secret.check/']) {
				assert.equal((await http(`${base}/${path}`, { headers: { authorization: `Token ${SECRET}` } })).status, 204, path);
			}
		});

		it('sends the app\'s JSON answer as Express\'s res.send does (application/json; charset=utf-8)', async () => {
			const res = await rp.call('GET', 'room', {});
			assert.equal(res.status, 400);
			assert.equal(res.headers['content-type'], 'application/json; charset=utf-8');
			assert.equal(res.headers['content-length'], String(Buffer.byteLength(res.text)));
		});
	});

	describe('uploads', () => {
		it('rooms.media stores the file without a message; rooms.mediaConfirm posts it as a file message', async () => {
			const rid = (await rp.openRoom('FR-1', '8101')).json.id;
			const { body, contentType } = multipart({ name: 'nota fiscal.pdf', type: 'application/pdf', bytes: '%PDF-1.4 front' });
			const media = await http(`${host.url}/api/v1/rooms.media/${rid}`, { method: 'POST', headers: { ...auth.headers, 'content-type': contentType }, body });
			assert.equal(media.status, 200, media.text);
			assert.equal(media.json.success, true);
			assert.match(media.json.file._id, /\S/);
			assert.match(media.json.file.url, new RegExp(`/file-upload/${media.json.file._id}/nota`));
			assert.ok(!(await roomMessages(rid)).some((m) => m.file), 'no message yet');
			const confirm = await http(`${host.url}/api/v1/rooms.mediaConfirm/${rid}/${media.json.file._id}`, { method: 'POST', headers: auth.headers, json: { msg: 'segue', description: 'a nota' } });
			assert.equal(confirm.status, 200, confirm.text);
			assert.equal(confirm.json.success, true);
			assert.equal(confirm.json.message.msg, 'segue');
			assert.equal(confirm.json.message.file._id, media.json.file._id);
			assert.equal(confirm.json.message.attachments[0].description, 'a nota');
			assert.ok((await roomMessages(rid)).some((m) => m.file?._id === media.json.file._id));
		});

		it('answers rooms.media without a file, and rooms.mediaConfirm of a file not uploaded to that room, with 400', async () => {
			const rid = (await rp.openRoom('FR-2', '8102')).json.id;
			const { body, contentType } = multipart({ name: 'a.txt', type: 'text/plain', bytes: 'a' });
			const noFile = await http(`${host.url}/api/v1/rooms.media/${rid}`, { method: 'POST', headers: { ...auth.headers, 'content-type': contentType }, body: body.toString().replace('name="file"', 'name="other"') });
			assert.equal(noFile.status, 400);
			assert.equal(noFile.json.errorType, 'error-no-file-uploaded');
			const other = (await rp.openRoom('FR-3', '8103')).json.id;
			const media = await http(`${host.url}/api/v1/rooms.media/${other}`, { method: 'POST', headers: { ...auth.headers, 'content-type': contentType }, body });
			const wrongRoom = await http(`${host.url}/api/v1/rooms.mediaConfirm/${rid}/${media.json.file._id}`, { method: 'POST', headers: auth.headers, json: {} });
			assert.equal(wrongRoom.status, 400);
			assert.equal(wrongRoom.json.error, 'invalid-file');
			const unauthenticated = await http(`${host.url}/api/v1/rooms.media/${rid}`, { method: 'POST', headers: { 'content-type': contentType }, body });
			assert.equal(unauthenticated.status, 401);
		});

		it('serves rooms.upload below 8.0 and not from 8.0 on, as /api/info says; the suite\'s uploader uses rooms.media either way', async () => {
			const rid = (await rp.openRoom('FR-4', '8104')).json.id;
			const { body, contentType } = multipart({ name: 'b.txt', type: 'text/plain', bytes: 'b' }, { msg: 'old way' });
			const old = await http(`${host.url}/api/v1/rooms.upload/${rid}`, { method: 'POST', headers: { ...auth.headers, 'content-type': contentType }, body });
			if (major >= 8) assert.equal(old.status, 404, old.text);
			else assert.equal(old.json?.message?.msg, 'old way', old.text);
			const up = await uploadFile(host.url, auth, rid, { name: 'c.txt', type: 'text/plain', bytes: 'c' }, { msg: 'new way' });
			assert.equal(up.route, 'rooms.mediaConfirm');
			assert.equal(up.json?.message?.msg, 'new way');
		});

		it('acts as Rocket.Chat 8 with HOST_RC_VERSION=8.x: /api/info says so and rooms.upload is gone (404)', async (t) => {
			if (host.remote) return t.skip('a second development host');
			const eight = await startHostProcess({ args: ['--fresh'], env: { HOST_RC_VERSION: '8.0.1' } });
			try {
				assert.equal((await http(`${eight.url}/api/info`)).json.version, '8.0.1');
				const admin = await login(eight.url);
				const rid = 'any-room';
				const { body, contentType } = multipart({ name: 'b.txt', type: 'text/plain', bytes: 'b' });
				const old = await http(`${eight.url}/api/v1/rooms.upload/${rid}`, { method: 'POST', headers: { ...admin.headers, 'content-type': contentType }, body });
				assert.equal(old.status, 404);
				const media = await http(`${eight.url}/api/v1/rooms.media/${rid}`, { method: 'POST', headers: { ...admin.headers, 'content-type': contentType }, body });
				assert.notEqual(media.status, 404, 'rooms.media is there');
			} finally {
				await eight.stop();
			}
		});
	});

	describe('POST /api/v1/livechat/visitor (the widget)', () => {
		it('registers a visitor without authentication, answering {visitor, success}; RapidPro\'s ticket for that token then uses it', async () => {
			const res = await http(`${host.url}/api/v1/livechat/visitor`, { method: 'POST', json: { visitor: { token: 'widget-1', name: 'Bia', email: 'bia@example.com', phone: '+5511999990001' } } });
			assert.equal(res.status, 200, res.text);
			assert.equal(res.json.success, true);
			const { visitor } = res.json;
			assert.equal(visitor.token, 'widget-1');
			assert.equal(visitor.name, 'Bia');
			assert.deepEqual(visitor.visitorEmails.map((e) => e.address), ['bia@example.com']);
			assert.deepEqual(visitor.phone.map((p) => p.phoneNumber), ['+5511999990001']);
			assert.match(visitor._id, /\S/);
			const again = await http(`${host.url}/api/v1/livechat/visitor`, { method: 'POST', json: { visitor: { token: 'widget-1', name: 'Beatriz' } } });
			assert.equal(again.json.visitor._id, visitor._id, 'the same visitor, by token');
			assert.equal(again.json.visitor.name, 'Beatriz');
			const opened = await rp.openRoom('FR-W1', 'widget-1');
			assert.equal(opened.status, 200, opened.text);
			const room = (await openRooms()).find((r) => r._id === opened.json.id);
			assert.equal(room.v._id, visitor._id, 'the ticket\'s room belongs to the widget\'s visitor');
		});

		it('lets RapidPro\'s ticket land on a widget visitor with the same phone: the room keeps the widget\'s token, the app still serves the ticket', async () => {
			const phone = '+5511977776666';
			const widget = await http(`${host.url}/api/v1/livechat/visitor`, { method: 'POST', json: { visitor: { token: 'widget-ana', name: 'Ana', phone } } });
			assert.equal(widget.status, 200, widget.text);
			const opened = await rp.openRoom('FR-W2', '8201', { phone, name: 'Ana' });
			assert.equal(opened.status, 200, opened.text);
			const room = (await openRooms()).find((r) => r._id === opened.json.id);
			assert.equal(room.v._id, widget.json.visitor._id, 'Rocket.Chat matched the widget visitor by phone');
			assert.equal(room.v.token, 'widget-ana', 'and kept its token');
			const message = await rp.visitorMessage('8201', 'from RapidPro');
			assert.equal(message.status, 201, message.text);
			assert.ok((await roomMessages(opened.json.id)).some((m) => m._id === message.json.id), 'the contact\'s message is in the ticket\'s room');
			assert.equal((await rp.closeRoom('8201')).status, 204);
			assert.ok(!(await openRooms()).some((r) => r._id === opened.json.id), 'closed by RapidPro\'s token');
		});

		it('answers a body that fails Rocket.Chat\'s check() with 400 "Match error", an empty token and an unknown department with 400', async () => {
			for (const body of [{}, { visitor: {} }, { visitor: { token: 42 } }, { visitor: { token: 't', name: 1 } }, { visitor: { token: 't' }, extra: 1 }, { visitor: { token: 't', customFields: [{ key: 'k' }] } }]) {
				const res = await http(`${host.url}/api/v1/livechat/visitor`, { method: 'POST', json: body });
				assert.equal(res.status, 400, JSON.stringify(body));
				assert.equal(res.json.success, false);
				assert.match(res.json.error, /^Match error/, JSON.stringify(body));
			}
			const empty = await http(`${host.url}/api/v1/livechat/visitor`, { method: 'POST', json: { visitor: { token: '  ' } } });
			assert.equal(empty.status, 400);
			assert.equal(empty.json.errorType, 'error-invalid-token');
			const dept = await http(`${host.url}/api/v1/livechat/visitor`, { method: 'POST', json: { visitor: { token: 'widget-2', department: 'No Such Department' } } });
			assert.equal(dept.status, 400);
			assert.equal(dept.json.errorType, 'error-invalid-department');
		});

		it('sets the visitor custom fields Rocket.Chat knows, keeps a value unless overwrite, and skips unknown keys', async () => {
			const known = 'cpf';
			const res = await http(`${host.url}/api/v1/livechat/visitor`, { method: 'POST', json: { visitor: { token: 'widget-3', customFields: [{ key: known, value: '111', overwrite: false }, { key: 'no-such-field', value: 'x', overwrite: true }] } } });
			assert.equal(res.status, 200, res.text);
			assert.equal(res.json.visitor.livechatData[known], '111');
			assert.equal(res.json.visitor.livechatData['no-such-field'], undefined);
			const kept = await http(`${host.url}/api/v1/livechat/visitor`, { method: 'POST', json: { visitor: { token: 'widget-3', customFields: [{ key: known, value: '222', overwrite: false }] } } });
			assert.equal(kept.json.visitor.livechatData[known], '111');
			const over = await http(`${host.url}/api/v1/livechat/visitor`, { method: 'POST', json: { visitor: { token: 'widget-3', customFields: [{ key: known, value: '333', overwrite: true }] } } });
			assert.equal(over.json.visitor.livechatData[known], '333');
		});
	});
});
