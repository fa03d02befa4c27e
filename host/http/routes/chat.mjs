// @ts-check
// What an agent does in a room: read messages, send text, upload a file, and
// how anyone downloads an upload (/file-upload/<id>/<name>).
import busboy from 'busboy';
import { HttpError, Reply } from '../router.mjs';
import { Users } from '../../chat/Users.mjs';
import { serverMajor } from './session.mjs';
import { sendFileMessage } from '../../chat/FileMessage.mjs';

function readFileUpload(req) {
	return new Promise((resolve, reject) => {
		let bb;
		try {
			bb = busboy({ headers: req.headers });
		} catch {
			reject(new HttpError(400, 'File required'));
			return;
		}
		const out = { file: undefined, fields: {} };
		bb.on('file', (name, stream, info) => {
			const chunks = [];
			stream.on('data', (c) => chunks.push(c));
			stream.on('end', () => name === 'file' && (out.file = { name: info.filename, type: info.mimeType, buffer: Buffer.concat(chunks) }));
		});
		bb.on('field', (name, value) => (out.fields[name] = value));
		bb.on('close', () => resolve(out));
		bb.on('error', reject);
		req.pipe(bb);
	});
}

export function registerChat(router, host) {
	const { rooms, messages, uploads, users } = host;

	const roomForAgent = async (rid, user) => {
		const room = await rooms.byId(rid);
		if (!room) throw new HttpError(400, 'error-invalid-room');
		if (room.t === 'l' && !room.open) throw new HttpError(400, 'error-room-closed');
		if (room.servedBy && room.servedBy._id !== user._id && !(user.roles || []).includes('admin')) throw new HttpError(403, 'error-not-allowed');
		return room;
	};

	router.on('GET', /^\/api\/v1\/chat\.syncMessages\/?$/, async ({ query }) => {
		if (!query.roomId) throw new HttpError(400, 'The required "roomId" query param is missing.');
		if (!query.lastUpdate) throw new HttpError(400, 'The required "lastUpdate" query param is missing.');
		const since = new Date(query.lastUpdate);
		if (Number.isNaN(since.getTime())) throw new HttpError(400, 'The "lastUpdate" query parameter must be a valid date.');
		const updated = await messages.byRoom(query.roomId, { since: since.toISOString() });
		return { result: { updated, deleted: [] }, success: true };
	}, { auth: true });

	router.on('POST', /^\/api\/v1\/chat\.sendMessage\/?$/, async ({ body = {}, user }) => {
		const m = body.message;
		if (!m || !m.rid) throw new HttpError(400, 'The "message" parameter must be provided.');
		await roomForAgent(m.rid, user);
		const msg = await host.omni.sendMessage({ ...(m._id && { _id: m._id }), rid: m.rid, msg: m.msg || '', u: Users.brief(user), ...(m.attachments && { attachments: m.attachments }), ...(m.alias && { alias: m.alias }) });
		return { message: msg, success: true };
	}, { auth: true });

	/** The file message Rocket.Chat's sendFileMessage posts for an upload (both upload generations end here). */
	const postFileMessage = (rid, user, upload, { msg, description, tmid } = {}) => {
		const msgData = { ...(msg !== undefined && { msg }), ...(tmid && { tmid }) };
		return sendFileMessage(host, { rid, u: Users.brief(user), upload, description, msgData });
	};

	// Rocket.Chat: apps/meteor/app/api/server/v1/rooms.ts rooms.upload/:rid (7.x; deprecated in 6.10, removed in 8.0 by RocketChat/Rocket.Chat#36857)
	// A host that says it is 8.x has no such route: the request gets the unknown-route 404, as on Rocket.Chat 8.
	if (serverMajor() < 8) {
		router.on('POST', /^\/api\/v1\/rooms\.upload\/(?<rid>[^/]+)\/?$/, async ({ req, params, user }) => {
			await roomForAgent(params.rid, user);
			const { file, fields } = await readFileUpload(req);
			if (!file) throw new HttpError(400, 'File required');
			const upload = await uploads.create({ name: file.name, type: file.type, rid: params.rid, userId: user._id, buffer: file.buffer });
			const msg = await postFileMessage(params.rid, user, upload, fields);
			return { message: msg, success: true };
		}, { auth: true, rawBody: true });
	}

	// Rocket.Chat: apps/meteor/app/api/server/v1/rooms.ts rooms.media/:rid (7.x/8.x)
	// Step 1 of 2: stores the file as a temporary upload (expires in 24 h unless confirmed) and posts nothing.
	router.on('POST', /^\/api\/v1\/rooms\.media\/(?<rid>[^/]+)\/?$/, async ({ req, params, user }) => {
		await roomForAgent(params.rid, user);
		const { file } = await readFileUpload(req);
		if (!file) throw new HttpError(400, 'No file was uploaded [error-no-file-uploaded]', { errorType: 'error-no-file-uploaded' });
		const expiresAt = new Date(Date.now() + 24 * 3600 * 1000).toISOString();
		const upload = await uploads.create({ name: file.name, type: file.type, rid: params.rid, userId: user._id, buffer: file.buffer, expiresAt });
		return { file: { _id: upload._id, url: upload.path }, success: true };
	}, { auth: true, rawBody: true });

	// Rocket.Chat: apps/meteor/app/api/server/v1/rooms.ts rooms.mediaConfirm/:rid/:fileId (7.x/8.x)
	// Step 2: the uploader's own file in that room becomes a file message (JSON body: msg, description, tmid, fileName).
	router.on('POST', /^\/api\/v1\/rooms\.mediaConfirm\/(?<rid>[^/]+)\/(?<fileId>[^/]+)\/?$/, async ({ params, body = {}, user }) => {
		await roomForAgent(params.rid, user);
		const found = await uploads.byId(params.fileId);
		if (!found || found.userId !== user._id || found.rid !== params.rid) throw new HttpError(400, 'invalid-file', { errorType: 'invalid-file' });
		const upload = await uploads.confirm(found._id, body.fileName ? { name: String(body.fileName) } : {});
		const msg = await postFileMessage(params.rid, user, upload, body);
		return { message: msg, success: true };
	}, { auth: true });

	// Rocket.Chat accepts the headers, or rc_uid/rc_token cookies or query params.
	router.on('GET', /^\/file-upload\/(?<id>[^/]+)\/(?<name>[^/]+)$/, async ({ req, res, params, query }) => {
		const cookies = Object.fromEntries((req.headers.cookie || '').split(/;\s*/).filter(Boolean).map((c) => c.split('=').map(decodeURIComponent)));
		const uid = req.headers['x-user-id'] || cookies.rc_uid || query.rc_uid;
		const token = req.headers['x-auth-token'] || cookies.rc_token || query.rc_token;
		if (!(await users.authenticate(String(uid || ''), String(token || '')))) return new Reply(403, 'Forbidden', { 'content-type': 'text/plain' });
		const upload = await uploads.byId(params.id);
		const bytes = upload && (await uploads.bytes(upload._id));
		if (!bytes) return new Reply(404, 'Not found', { 'content-type': 'text/plain' });
		res.writeHead(200, {
			'content-type': upload.type,
			'content-length': bytes.length,
			'content-disposition': `inline; filename="${encodeURIComponent(upload.name)}"`,
			'last-modified': new Date(upload.uploadedAt).toUTCString(),
		});
		res.end(bytes);
		return undefined;
	}, { rawBody: false });
}
