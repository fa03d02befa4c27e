// @ts-check
// The Tickets contract end to end: RapidPro (over HTTP, as mailroom calls it)
// → the packaged app in the real Apps-Engine runtime → Rocket.Chat REST as an
// agent uses it → webhooks to a RapidPro stand-in.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { appUrl, http, login, setAppSettings, startHostProcess, startReceiver, uploadFile, waitFor } from './helpers/index.mjs';
import { rapidProClient } from './helpers/rapidpro-client.mjs';

const SECRET = 'K7T2QWERTYZ3456789ABCDEFGHJKLMNP';

describe('Tickets app through the host', () => {
	/** @type {Awaited<ReturnType<typeof startHostProcess>>} */ let host;
	/** @type {Awaited<ReturnType<typeof login>>} */ let auth;
	/** @type {Awaited<ReturnType<typeof startReceiver>>} */ let receiver;
	/** @type {ReturnType<typeof rapidProClient>} */ let rp;
	let base = '';

	const openRooms = async () => (await http(`${host.url}/api/v1/livechat/rooms?open=true`, { headers: auth.headers })).json.rooms;
	const roomMessages = async (rid) =>
		(await http(`${host.url}/api/v1/chat.syncMessages?roomId=${rid}&lastUpdate=${new Date(0).toISOString()}`, { headers: auth.headers })).json.result.updated;
	const agentSays = (rid, msg) => http(`${host.url}/api/v1/chat.sendMessage`, { method: 'POST', headers: auth.headers, json: { message: { rid, msg } } });
	const webhooks = (type, ticketId) => receiver.requests.filter((r) => r.json?.type === type && (!ticketId || r.json.ticketId === ticketId));

	before(async () => {
		host = await startHostProcess({ args: ['--fresh'] });
		auth = await login(host.url);
		receiver = await startReceiver();
		base = appUrl(host.url, host.appId);
		rp = rapidProClient(base, SECRET);
	});

	after(async () => {
		await receiver?.close();
		if (host) await host.stop();
	});

	it('answers 401 "app secret is not configured" on every endpoint before the secret is set', async () => {
		for (const [method, path] of [['GET', 'secret.check'], ['PUT', 'settings'], ['GET', 'room'], ['GET', 'room.close'], ['POST', 'visitor-message']]) {
			const res = await rp.call(method, path, {});
			assert.equal(res.status, 401, `${method} ${path}`);
			assert.deepEqual(res.json, { error: 'app secret is not configured' });
		}
	});

	it('checks the secret: 204 with it (any case of "Token", spaces trimmed), 401 otherwise', async () => {
		await setAppSettings(host.url, auth, host.appId, { app_secret: ` ${SECRET} ` });
		await waitFor(async () => (await rp.secretCheck()).status === 204, { what: 'the secret to apply' });
		assert.equal((await http(`${base}/secret.check`, { headers: { Authorization: `token   ${SECRET}` } })).status, 204);
		for (const header of [undefined, `Token ${SECRET}x`, `Bearer ${SECRET}`, 'Token', SECRET]) {
			const res = await http(`${base}/secret.check`, { headers: header === undefined ? {} : { Authorization: header } });
			assert.equal(res.status, 401, String(header));
			assert.deepEqual(res.json, { error: 'unauthorized' });
		}
	});

	it('stores the webhook URL with PUT /settings (204), refusing a relative one (400)', async () => {
		const bad = await rp.settings('/not/absolute');
		assert.equal(bad.status, 400);
		assert.match(bad.json.error, /webhook\.url/);
		const missing = await rp.call('PUT', 'settings', {});
		assert.equal(missing.status, 400);
		assert.match(missing.json.error, /webhook is required/);
		assert.equal((await rp.settings(`${receiver.url}/mr/tickets/types/rocketchat/event_callback/5e1f0d8b-0000-4000-8000-000000000001`)).status, 204);
	});

	it('opens a room for a ticket (GET with a JSON body, mailroom spellings) and returns the same room when retried', async () => {
		const first = await rp.openRoom('T-1', '1001', { name: 'Ana Souza', email: 'ana@example.com', phone: '+5511999990000' });
		assert.equal(first.status, 200, first.text);
		assert.ok(first.json.id);
		const again = await rp.openRoom('T-1', '1001');
		assert.equal(again.status, 200);
		assert.equal(again.json.id, first.json.id);
		const room = (await openRooms()).find((r) => r._id === first.json.id);
		assert.ok(room, 'the room is open in Rocket.Chat');
		assert.equal(room.v.token, '1001');
	});

	it('accepts the README spellings and a numeric token', async () => {
		const res = await rp.call('POST', 'room', { ticketId: 'T-2', visitor: { token: 1002, contactUuid: 'c0ffee00-0000-4000-8000-000000001002' } });
		assert.equal(res.status, 200, res.text);
		const rooms = await openRooms();
		assert.ok(rooms.find((r) => r._id === res.json.id && r.v.token === '1002'));
	});

	it('answers 400 naming the missing fields, 415 for a non-JSON content type', async () => {
		const res = await rp.call('GET', 'room', { visitor: {} });
		assert.equal(res.status, 400);
		assert.match(res.json.error, /ticketId is required/);
		assert.match(res.json.error, /visitor\.token is required/);
		const notObject = await http(`${base}/room`, { method: 'POST', headers: { Authorization: `Token ${SECRET}`, 'content-type': 'application/json' }, body: '[1,2]' });
		assert.equal(notObject.status, 400);
		assert.ok(notObject.json.error);
		const form = await http(`${base}/room`, { method: 'POST', headers: { Authorization: `Token ${SECRET}`, 'content-type': 'text/plain' }, body: 'ticketId=1' });
		assert.ok(form.status === 415 || form.status === 400, `got ${form.status}`);
		assert.ok(form.json.error);
	});

	it('answers 409 for another ticket of a visitor whose room is open, and 404 for an unknown department', async () => {
		const conflict = await rp.openRoom('T-OTHER', '1001');
		assert.equal(conflict.status, 409);
		assert.match(conflict.json.error, /T-1/);
		const dept = await rp.openRoom('T-3', '1003', { department: 'No Such Department' });
		assert.equal(dept.status, 404);
		assert.match(dept.json.error, /department/);
	});

	it('posts a visitor message as the visitor, attachments by MIME type in order (201)', async () => {
		const rid = (await rp.openRoom('T-1', '1001')).json.id;
		const res = await rp.visitorMessage('1001', 'Olá, preciso de ajuda', [
			{ type: 'image/jpeg', url: 'https://files.example.com/photo.jpg' },
			{ type: 'audio/ogg', url: 'https://files.example.com/voice.ogg' },
			{ type: 'video/mp4', url: 'https://files.example.com/clip.mp4' },
			{ type: 'application/pdf', url: 'https://files.example.com/doc.pdf' },
		]);
		assert.equal(res.status, 201, res.text);
		const message = (await roomMessages(rid)).find((m) => m._id === res.json.id);
		assert.ok(message, 'the message is in the room');
		assert.equal(message.msg, 'Olá, preciso de ajuda');
		assert.equal(message.token, '1001', 'posted as the visitor');
		const kinds = message.attachments.map((a) => (a.image_url ? 'image' : a.audio_url ? 'audio' : a.video_url ? 'video' : a.title_link ? 'link' : '?'));
		assert.deepEqual(kinds, ['image', 'audio', 'video', 'link']);
	});

	it('answers 404 for a visitor message without an open room, 400 with neither text nor attachments', async () => {
		const none = await rp.visitorMessage('9999', 'hello?');
		assert.equal(none.status, 404);
		assert.match(none.json.error, /9999/);
		const empty = await rp.call('POST', 'visitor-message', { visitor: { token: '1001' } });
		assert.equal(empty.status, 400);
		assert.match(empty.json.error, /text or attachments/);
	});

	it('sends an agent reply to RapidPro as agent-message, emoji as Unicode, with the secret', async () => {
		const rid = (await rp.openRoom('T-1', '1001')).json.id;
		const sent = await agentSays(rid, 'Oi Ana :smile: vou verificar :thumbsup:');
		assert.equal(sent.json.success, true);
		const [hook] = await waitFor(() => webhooks('agent-message', 'T-1').length > 0 && webhooks('agent-message', 'T-1'), { what: 'agent-message' });
		assert.equal(hook.headers.authorization, `Token ${SECRET}`);
		assert.match(hook.headers['content-type'], /application\/json/);
		assert.deepEqual(hook.json, { type: 'agent-message', ticketId: 'T-1', visitor: { token: '1001' }, data: { text: 'Oi Ana 😄 vou verificar 👍', attachments: [] } });
	});

	it('does not send the visitor\'s own messages back to RapidPro', async () => {
		const before = receiver.requests.length;
		await rp.visitorMessage('1001', 'this must not echo');
		await new Promise((r) => setTimeout(r, 700));
		assert.equal(receiver.requests.slice(before).filter((r) => JSON.stringify(r.json).includes('must not echo')).length, 0);
	});

	it('sends an uploaded file as an absolute Site_Url link that downloads with admin headers', async () => {
		const rid = (await rp.openRoom('T-1', '1001')).json.id;
		const up = await uploadFile(host.url, auth, rid, { name: 'relatório final.pdf', type: 'application/pdf', bytes: '%PDF-1.4 e2e' }, { msg: 'segue o arquivo' });
		assert.equal(up.json?.success, true, up.text);
		const hook = await waitFor(() => webhooks('agent-message', 'T-1').find((r) => r.json.data.attachments.length > 0), { what: 'file webhook' });
		const [file] = hook.json.data.attachments;
		assert.equal(file.type, 'application/pdf');
		assert.ok(file.url.startsWith(`${host.url}/file-upload/`), file.url);
		assert.equal(hook.json.data.text, 'segue o arquivo');
		const download = await http(file.url, { headers: auth.headers });
		assert.equal(download.status, 200);
		assert.equal(download.body.toString(), '%PDF-1.4 e2e');
		assert.match(String(download.headers['content-type']), /application\/pdf/);
	});

	it('closes the room on /room.close (204, idempotent) without a close-room echo; a token never seen 204 too', async () => {
		const rid = (await rp.openRoom('T-2', '1002')).json.id;
		assert.equal((await rp.closeRoom('1002')).status, 204);
		assert.equal((await rp.closeRoom('1002')).status, 204);
		assert.ok(!(await openRooms()).find((r) => r._id === rid), 'the room is closed');
		await new Promise((r) => setTimeout(r, 700));
		assert.equal(webhooks('close-room', 'T-2').length, 0, 'no close-room for a close RapidPro asked for');
		const unknown = await rp.closeRoom('never-seen');
		assert.equal(unknown.status, 204, 'nothing is open for it: the state RapidPro asks for holds');
	});

	it('sends close-room after the ticket\'s agent messages when the agent closes the room', async () => {
		const rid = (await rp.openRoom('T-4', '1004')).json.id;
		await agentSays(rid, 'first');
		await agentSays(rid, 'second');
		const closed = await http(`${host.url}/api/v1/livechat/room.closeByUser`, { method: 'POST', headers: auth.headers, json: { rid, comment: 'done' } });
		assert.equal(closed.json.success, true, closed.text);
		await waitFor(() => webhooks('close-room', 'T-4').length === 1, { what: 'close-room' }).catch((e) => {
			throw new Error(`${e.message}; received ${JSON.stringify(receiver.requests.filter((r) => r.json?.ticketId === 'T-4').map((r) => r.text))}\n${host.output().split('\n').filter((l) => !/DEBUG/.test(l)).slice(-30).join('\n')}`);
		});
		const sequence = receiver.requests.filter((r) => r.json?.ticketId === 'T-4').map((r) => r.json.type === 'close-room' ? 'close' : r.json.data.text);
		assert.deepEqual(sequence, ['first', 'second', 'close']);
	});

	it('sends close-room when the visitor closes, and a new ticket for that visitor opens a new room', async () => {
		const rid = (await rp.openRoom('T-5', '1005')).json.id;
		const res = await http(`${host.url}/api/v1/livechat/room.close`, { method: 'POST', json: { rid, token: '1005' } });
		assert.equal(res.status, 200, res.text);
		await waitFor(() => webhooks('close-room', 'T-5').length === 1, { what: 'close-room from the visitor' });
		const next = await rp.openRoom('T-6', '1005');
		assert.equal(next.status, 200);
		assert.notEqual(next.json.id, rid);
	});
});
