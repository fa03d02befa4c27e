// @ts-check
// Uploaded files: metadata in `uploads`, bytes in `uploadBytes`; served at
// /file-upload/<id>/<name> like Rocket.Chat's GridFS/FileSystem stores.
import path from 'node:path';
import { randomId } from './ids.mjs';

export class Uploads {
	/** @param {import('../store.mjs').Store} store */
	constructor(store) {
		this.store = store;
	}

	async create({ name, type, rid, userId, visitorToken, buffer, expiresAt }) {
		const _id = randomId();
		const now = new Date().toISOString();
		const upload = {
			_id,
			name,
			type: type || 'application/octet-stream',
			size: buffer.length,
			extension: path.extname(name).slice(1),
			rid,
			userId,
			visitorToken,
			path: `/file-upload/${_id}/${encodeURIComponent(name)}`,
			url: `/file-upload/${_id}/${encodeURIComponent(name)}`,
			uploadedAt: now,
			_updatedAt: now,
			...(expiresAt && { expiresAt }),
		};
		await this.store.batch([
			{ type: 'put', collection: 'uploads', key: _id, value: upload },
			{ type: 'put', collection: 'uploadBytes', key: _id, value: buffer },
		]);
		return upload;
	}

	/** A temporary upload (rooms.media) made permanent (rooms.mediaConfirm): no expiry; a new name changes its path. */
	async confirm(id, { name } = {}) {
		const { expiresAt, ...upload } = await this.byId(id);
		if (name) Object.assign(upload, { name, extension: path.extname(name).slice(1), path: `/file-upload/${id}/${encodeURIComponent(name)}`, url: `/file-upload/${id}/${encodeURIComponent(name)}` });
		upload._updatedAt = new Date().toISOString();
		await this.store.put('uploads', id, upload);
		return upload;
	}

	byId(id) {
		return id ? this.store.get('uploads', id) : Promise.resolve(undefined);
	}

	bytes(id) {
		return this.store.get('uploadBytes', id);
	}
}
