// @ts-check
// An agent's uploads reach RapidPro through the host as a real Rocket.Chat
// would deliver them: an image is stored with a thumbnail beside it, and
// RapidPro must get the image once, never the thumbnail.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { appUrl, http, login, setAppSettings, startHostProcess, startReceiver, waitFor } from './helpers/index.mjs';
import { rapidProClient } from './helpers/rapidpro-client.mjs';

const SECRET = 'U7T2QWERTYZ3456789ABCDEFGHJKLMNP';

/** A multipart body the way Rocket.Chat's clients post rooms.upload. */
function multipart(boundary, { name, type, bytes, msg }) {
	return Buffer.concat([
		Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: ${type}\r\n\r\n`),
		bytes,
		Buffer.from(`\r\n--${boundary}\r\nContent-Disposition: form-data; name="msg"\r\n\r\n${msg}\r\n--${boundary}--\r\n`),
	]);
}

describe('uploads reach RapidPro once, without thumbnails', () => {
	/** @type {Awaited<ReturnType<typeof startHostProcess>>} */ let host;
	/** @type {Awaited<ReturnType<typeof login>>} */ let auth;
	/** @type {Awaited<ReturnType<typeof startReceiver>>} */ let receiver;
	/** @type {ReturnType<typeof rapidProClient>} */ let rp;

	const upload = async (rid, file) => {
		const boundary = '----tickets-uploads-e2e';
		return http(`${host.url}/api/v1/rooms.upload/${rid}`, { method: 'POST', headers: { ...auth.headers, 'content-type': `multipart/form-data; boundary=${boundary}` }, body: multipart(boundary, file) });
	};
	const agentMessages = (ticketId) => receiver.requests.filter((r) => r.json?.type === 'agent-message' && r.json.ticketId === ticketId);

	before(async () => {
		host = await startHostProcess({ args: ['--fresh'] });
		auth = await login(host.url);
		receiver = await startReceiver();
		rp = rapidProClient(appUrl(host.url, host.appId), SECRET);
		await setAppSettings(host.url, auth, host.appId, { app_secret: SECRET });
		await waitFor(async () => (await rp.secretCheck()).status === 204, { what: 'the secret to apply' });
		assert.equal((await rp.settings(`${receiver.url}/mr/tickets/types/rocketchat/event_callback/5e1f0d8b-0000-4000-8000-000000000009`)).status, 204);
	});

	after(async () => {
		await receiver?.close();
		if (host) await host.stop();
	});

	it('an uploaded image reaches RapidPro as one attachment: the image, absolute, downloadable with the admin\'s headers', async () => {
		const rid = (await rp.openRoom('UP-1', '3001')).json.id;
		// Larger than the 480×360 thumbnail box, so Rocket.Chat stores a thumbnail beside it.
		const png = await sharp({ create: { width: 960, height: 720, channels: 3, background: { r: 20, g: 120, b: 200 } } }).png().toBuffer();
		const up = await upload(rid, { name: 'foto do cliente.png', type: 'image/png', bytes: png, msg: 'veja a foto' });
		assert.equal(up.json.success, true, up.text);
		assert.equal(up.json.message.files.length, 2, 'the server stored the image and its thumbnail');

		const [hook] = await waitFor(() => {
			const found = agentMessages('UP-1');
			return found.length ? found : undefined;
		}, { what: 'the agent-message webhook' });
		await new Promise((r) => setTimeout(r, 500)); // nothing else may follow for this one upload
		assert.equal(agentMessages('UP-1').length, 1, 'one webhook for one upload');
		assert.equal(hook.json.data.text, 'veja a foto');
		assert.equal(hook.json.data.attachments.length, 1, JSON.stringify(hook.json.data.attachments));
		const [attachment] = hook.json.data.attachments;
		assert.equal(attachment.type, 'image/png');
		assert.equal(attachment.url, `${host.url}/file-upload/${up.json.message.file._id}/${encodeURIComponent('foto do cliente.png')}`);
		const download = await http(attachment.url, { headers: auth.headers });
		assert.equal(download.status, 200);
		assert.match(String(download.headers['content-type']), /^image\/png/);
		assert.ok(download.body.equals(png), 'the original bytes, not the thumbnail');
	});

	it('a small image (no thumbnail) and a PDF each reach RapidPro once', async () => {
		const rid = (await rp.openRoom('UP-2', '3002')).json.id;
		const small = await sharp({ create: { width: 40, height: 30, channels: 3, background: { r: 200, g: 0, b: 0 } } }).jpeg().toBuffer();
		const upSmall = await upload(rid, { name: 'mini.jpg', type: 'image/jpeg', bytes: small, msg: '' });
		assert.equal(upSmall.json.message.files.length, 1, 'no thumbnail for an image smaller than the thumbnail');
		const upPdf = await upload(rid, { name: 'nota.pdf', type: 'application/pdf', bytes: Buffer.from('%PDF-1.4 uploads'), msg: '' });
		assert.equal(upPdf.json.success, true, upPdf.text);
		const hooks = await waitFor(() => {
			const found = agentMessages('UP-2');
			return found.length >= 2 ? found : undefined;
		}, { what: 'two agent-message webhooks' });
		assert.deepEqual(hooks.map((h) => h.json.data.attachments.map((a) => a.type)), [['image/jpeg'], ['application/pdf']]);
		assert.deepEqual(hooks.map((h) => h.json.data.attachments[0].url.split('/')[4]), [upSmall.json.message.file._id, upPdf.json.message.file._id]);
	});
});
