// @ts-check
// Host fidelity: an upload becomes the message Rocket.Chat's sendFileMessage
// builds (apps/meteor/app/file-upload/server/methods/sendFileMessage.ts), and
// the app receives it as Rocket.Chat's messages converter hands it over
// (apps/meteor/app/apps/server/converters/messages.ts). In-process, over a
// scratch store; expectations follow the runtime the host runs (RC_FEATURES).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { Store } from '../../host/store.mjs';
import { Uploads, THUMBNAIL } from '../../host/chat/Uploads.mjs';
import { sendFileMessage } from '../../host/chat/FileMessage.mjs';
import { messageToApp } from '../../host/chat/convert.mjs';
import { RC_FEATURES } from '../../host/bridges/engine.mjs';

const RID = 'room-1';
const AGENT = { _id: 'agent-1', username: 'agent', name: 'Agent' };
const image = (width, height, format = 'png') => sharp({ create: { width, height, channels: 3, background: { r: 1, g: 2, b: 3 } } })[format]().toBuffer();

describe('uploads and file messages (as Rocket.Chat 8.x)', () => {
	/** @type {Store} */ let store;
	/** @type {Uploads} */ let uploads;
	let dir = '';
	/** A stand-in for Omnichannel.sendMessage: the raw message as it would be stored. */
	const host = () => ({ uploads, omni: { sendMessage: async (fields) => ({ _id: 'm1', ts: '2026-01-01T00:00:00.000Z', _updatedAt: '2026-01-01T00:00:00.000Z', ...fields }) } });
	const post = async (name, type, buffer, description) => {
		const upload = await uploads.create({ name, type, rid: RID, userId: AGENT._id, buffer });
		return { upload, msg: await sendFileMessage(host(), { rid: RID, u: AGENT, upload, description, msgData: { msg: 'hi' } }) };
	};
	const ctx = () => ({
		rooms: { byId: async () => ({ _id: RID, t: 'l', open: true }) },
		users: { byId: async (id) => ({ _id: id, username: 'agent', roles: ['livechat-agent'], type: 'user' }) },
		visitors: { byId: async () => undefined, byToken: async () => undefined },
	});

	before(async () => {
		dir = await fs.mkdtemp(path.join(os.tmpdir(), 'fidelity-uploads-'));
		store = await Store.open(path.join(dir, 'db'));
		uploads = new Uploads(store);
	});

	after(async () => {
		await store?.db.close();
		await fs.rm(dir, { recursive: true, force: true });
	});

	it('a large image: file = files[0] (the upload), files[1] its thumbnail upload, one attachment showing the thumbnail and linking the upload', async () => {
		const png = await image(960, 720);
		const { upload, msg } = await post('foto 1.png', 'image/png', png, 'desc');
		assert.equal(msg.msg, 'hi');
		assert.equal(msg.groupable, false);
		assert.deepEqual(msg.file, msg.files[0]);
		assert.deepEqual(msg.files[0], { _id: upload._id, name: 'foto 1.png', type: 'image/png', size: png.length, format: 'png' });
		assert.equal(msg.files.length, 2);
		const thumb = await uploads.byId(msg.files[1]._id);
		assert.notEqual(thumb._id, upload._id);
		assert.equal(thumb.name, 'thumb-foto 1.png');
		assert.equal(thumb.typeGroup, 'thumb');
		assert.equal(thumb.originalFileId, upload._id);
		assert.equal(thumb.rid, RID);
		assert.deepEqual(msg.files[1], { _id: thumb._id, name: 'thumb-foto 1.png', type: 'image/png', size: thumb.size, format: 'png', ...(RC_FEATURES.messageFiles && { typeGroup: 'thumb' }) });
		const meta = await sharp(await uploads.bytes(thumb._id)).metadata();
		assert.deepEqual([meta.width, meta.height], [THUMBNAIL.width, THUMBNAIL.height], 'a real thumbnail, fit inside 480×360');
		assert.equal(msg.attachments.length, 1);
		const [a] = msg.attachments;
		assert.equal(a.title, 'foto 1.png');
		assert.equal(a.type, 'file');
		assert.equal(a.description, 'desc');
		assert.equal(a.title_link, `/file-upload/${upload._id}/foto%201.png`);
		assert.equal(a.title_link_download, true);
		assert.equal(a.image_url, `/file-upload/${thumb._id}/foto%201.png`);
		assert.equal(a.image_type, 'image/png');
		assert.equal(a.image_size, png.length);
		assert.deepEqual(a.image_dimensions, { width: 480, height: 360 });
		assert.ok((await sharp(Buffer.from(a.image_preview, 'base64')).metadata()).width <= 32, 'image_preview: a 32 px JPEG, base64');
		assert.equal(a.fileId, RC_FEATURES.messageFiles ? upload._id : undefined);
	});

	it('an image smaller than the thumbnail in both directions gets no thumbnail; its attachment shows the upload itself', async () => {
		const jpg = await image(100, 80, 'jpeg');
		const { upload, msg } = await post('mini.jpg', 'image/jpeg', jpg);
		assert.equal(msg.files.length, 1);
		assert.equal(msg.attachments[0].image_url, `/file-upload/${upload._id}/mini.jpg`);
		assert.deepEqual(msg.attachments[0].image_dimensions, { width: 100, height: 80 });
		assert.equal(msg.files[0].format, 'jpeg');
	});

	it('audio, video and other files: one attachment of their kind, no thumbnail', async () => {
		const audio = (await post('voz.ogg', 'audio/ogg', Buffer.from('OggS'))).msg;
		assert.equal(audio.attachments[0].audio_url, audio.attachments[0].title_link);
		assert.equal(audio.attachments[0].audio_type, 'audio/ogg');
		const video = (await post('v.mp4', 'video/mp4', Buffer.from('mp4'))).msg;
		assert.equal(video.attachments[0].video_url, video.attachments[0].title_link);
		const pdf = (await post('nota.pdf', 'application/pdf', Buffer.from('%PDF'))).msg;
		assert.equal(pdf.files.length, 1);
		assert.equal(pdf.attachments[0].format, 'pdf');
		assert.equal(pdf.attachments[0].size, 4);
		assert.equal(pdf.attachments[0].image_url, undefined);
		assert.equal(pdf.files[0].format, '', 'only measured images have a format');
	});

	it('the app gets `file`, the raw `files` under _unmappedProperties_ and (8.2+) `files` mapped with the thumbnail marked', async () => {
		const { upload, msg } = await post('foto 2.png', 'image/png', await image(800, 800));
		const app = await messageToApp(msg, ctx());
		assert.deepEqual(app.file, msg.files[0]);
		assert.deepEqual(app._unmappedProperties_.files, msg.files);
		assert.equal(app._unmappedProperties_.rid, undefined, 'mapped fields are not repeated');
		if (RC_FEATURES.messageFiles) {
			assert.deepEqual(app.files.map((f) => f.typeGroup), [undefined, 'thumb']);
			assert.equal(app.attachments[0].fileId, upload._id);
		} else {
			assert.equal(app.files, undefined, 'before 8.2 `files` is not mapped');
			assert.equal(app.attachments[0]._unmappedProperties_.fileId, undefined);
		}
		assert.equal(app.attachments[0].title.link, `/file-upload/${upload._id}/foto%202.png`);
		assert.equal(app.attachments[0].imageUrl, `/file-upload/${msg.files[1]._id}/foto%202.png`);
		assert.ok(app.attachments[0].imagePreview);
	});

	it('an older message\'s unmarked thumbnail (two files, one attachment): 8.2+ marks it when converting, older servers pass it unmarked', async () => {
		const old = { _id: 'm0', rid: RID, msg: '', ts: 't', u: AGENT, file: { _id: 'a', name: 'x.png', type: 'image/png' }, files: [{ _id: 'a', name: 'x.png', type: 'image/png' }, { _id: 'b', name: 'thumb-x.png', type: 'image/png' }], attachments: [{ type: 'file', title: 'x.png', title_link: '/file-upload/a/x.png', image_url: '/file-upload/b/x.png' }] };
		const app = await messageToApp(old, ctx());
		if (RC_FEATURES.messageFiles) {
			assert.deepEqual(app.files.map((f) => f.typeGroup), [undefined, 'thumb']);
			assert.equal(app.attachments[0].fileId, 'a', 'the only file of a one-attachment message');
		} else {
			assert.equal(app.files, undefined);
			assert.equal(app.attachments[0].fileId, undefined);
		}
		assert.deepEqual(app._unmappedProperties_.files, old.files, 'the raw list, unmarked');
		assert.equal(old.files[1].typeGroup, undefined, 'the stored message is not changed');
	});
});
