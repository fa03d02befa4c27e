// @ts-check
// Uploaded files: metadata in `uploads`, bytes in `uploadBytes`; served at
// /file-upload/<id>/<name> like Rocket.Chat's GridFS/FileSystem stores.
// Images are measured, previewed and thumbnailed with sharp, as Rocket.Chat does.
import path from 'node:path';
import sharp from 'sharp';
import { randomId } from './ids.mjs';

/** Rocket.Chat's defaults for Message_Attachments_Thumbnails_Width/Height (Enabled is on by default). */
export const THUMBNAIL = { width: 480, height: 360 };

/** The image types Rocket.Chat measures on upload (`identify`); others get none. */
const MEASURED = /^image\/((x-windows-)?bmp|p?jpeg|png|gif|webp)$/;

export class Uploads {
	/** @param {import('../store.mjs').Store} store */
	constructor(store) {
		this.store = store;
	}

	/** Stores the bytes and the record; extra fields (typeGroup, originalFileId, expiresAt) are kept as given. */
	async create({ name, type, rid, userId, visitorToken, buffer, ...extra }) {
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
			...extra,
			...(await identify(type, buffer)),
			path: `/file-upload/${_id}/${encodeURIComponent(name)}`,
			url: `/file-upload/${_id}/${encodeURIComponent(name)}`,
			uploadedAt: now,
			_updatedAt: now,
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

	/** A 32 px blurred JPEG of the image, base64: the attachment's `image_preview`. */
	// Rocket.Chat: apps/meteor/app/file-upload/server/lib/FileUpload.ts resizeImagePreview (8.x)
	async imagePreview(upload) {
		const bytes = await this.bytes(upload._id);
		if (!bytes) return undefined;
		const out = await sharp(bytes).resize({ width: 32, height: 32, fit: 'inside' }).jpeg().blur().toBuffer();
		return out.toString('base64');
	}

	/**
	 * A thumbnail stored as an upload of its own (`thumb-<name>`, typeGroup
	 * `thumb`, same room and user), or undefined for an image already smaller
	 * than the thumbnail size in both directions.
	 */
	// Rocket.Chat: apps/meteor/app/file-upload/server/lib/FileUpload.ts createImageThumbnail + uploadImageThumbnail (8.x)
	async createThumbnail(upload) {
		const size = upload.identify?.size;
		if (size && size.height < THUMBNAIL.height && size.width < THUMBNAIL.width) return undefined;
		const bytes = await this.bytes(upload._id);
		if (!bytes) return undefined;
		let transformer = sharp(bytes).resize({ ...THUMBNAIL, fit: 'inside' }).rotate();
		if (upload.type === 'image/svg+xml') transformer = transformer.png();
		const { data, info } = await transformer.toBuffer({ resolveWithObject: true });
		const thumb = await this.create({
			name: `thumb-${upload.name}`,
			type: `image/${info.format === 'jpg' ? 'jpeg' : info.format}`,
			rid: upload.rid,
			userId: upload.userId,
			buffer: data,
			originalFileId: upload._id,
			typeGroup: 'thumb',
		});
		return { thumb, width: info.width, height: info.height };
	}
}

/** `identify` ({format, size}) for the image types Rocket.Chat measures; {} otherwise or when unreadable. */
// Rocket.Chat: apps/meteor/app/file-upload/server/lib/FileUpload.ts uploadsOnValidate (8.x)
async function identify(type, buffer) {
	if (!type || !MEASURED.test(type)) return {};
	try {
		const m = await sharp(buffer).metadata();
		const rotated = m.orientation !== undefined && m.orientation !== 1;
		const width = rotated ? m.height : m.width;
		const height = rotated ? m.width : m.height;
		return { identify: { format: m.format, size: width != null && height != null ? { width, height } : undefined } };
	} catch {
		// Rocket.Chat would fail the upload on bytes sharp cannot read; the host keeps the file unmeasured.
		return {};
	}
}
