// @ts-check
// An uploaded file becomes a message the way Rocket.Chat's sendFileMessage
// builds it: `file` (the upload), `files` (the upload, then its thumbnail for
// a large enough image) and one attachment whose kind follows the MIME type.
// Every REST path that posts an upload (rooms.upload; rooms.mediaConfirm)
// calls sendFileMessage here, so they cannot drift apart.
import { RC_FEATURES } from '../bridges/engine.mjs';

const fileUrl = (id, name) => `/file-upload/${id}/${encodeURI(name || '')}`;

/** An entry of the message's `files`. Rocket.Chat 8.2+ copies the upload's typeGroup (only thumbnails have one). */
function fileProp(upload) {
	return {
		_id: upload._id,
		name: upload.name || '',
		type: upload.type || 'file',
		size: upload.size || 0,
		format: upload.identify?.format || '',
		...(RC_FEATURES.messageFiles && upload.typeGroup !== undefined && { typeGroup: upload.typeGroup }),
	};
}

/**
 * `{files, attachments}` for an upload. A thumbnail that cannot be made is
 * logged and left out; the message still goes.
 * @param {import('./Uploads.mjs').Uploads} uploads
 * @param {any} upload @param {string} [description] @param {(line: string) => void} [log]
 */
// Rocket.Chat: apps/meteor/app/file-upload/server/methods/sendFileMessage.ts parseFileIntoMessageAttachments (8.x)
export async function parseFileIntoMessageAttachments(uploads, upload, description, log = () => {}) {
	const url = fileUrl(upload._id, upload.name);
	const files = [fileProp(upload)];
	const common = { title: upload.name, type: 'file', description, title_link: url, title_link_download: true, ...(RC_FEATURES.messageFiles && { fileId: upload._id }) };
	const kind = /^(image|audio|video)\/.+/.exec(upload.type)?.[1];
	/** @type {Record<string, any>} */
	let attachment;
	if (kind === 'image') {
		attachment = { ...common, image_url: url, image_type: upload.type, image_size: upload.size };
		if (upload.identify?.size) attachment.image_dimensions = upload.identify.size;
		try {
			attachment.image_preview = await uploads.imagePreview(upload);
			const made = await uploads.createThumbnail(upload);
			if (made) {
				attachment.image_url = fileUrl(made.thumb._id, upload.name);
				attachment.image_type = made.thumb.type;
				attachment.image_dimensions = { width: made.width, height: made.height };
				files.push(fileProp(made.thumb));
			}
		} catch (e) {
			log(`[host] no thumbnail for upload ${upload._id}: ${/** @type {any} */ (e)?.message || e}`);
		}
	} else if (kind === 'audio') {
		attachment = { ...common, audio_url: url, audio_type: upload.type, audio_size: upload.size };
	} else if (kind === 'video') {
		attachment = { ...common, video_url: url, video_type: upload.type, video_size: upload.size };
	} else {
		attachment = { ...common, format: upload.extension || '', size: upload.size };
	}
	return { files, attachments: [dropUndefined(attachment)] };
}

/**
 * Posts the upload into its room as `user`, with the client's message fields
 * (msg, tmid, alias…), and returns the stored message.
 * @param {{ omni: any, uploads: import('./Uploads.mjs').Uploads, log?: (line: string) => void }} host
 * @param {{ rid: string, u: {_id: string, username: string, name?: string}, upload: any, description?: string, msgData?: Record<string, any> }} args
 */
// Rocket.Chat: apps/meteor/app/file-upload/server/methods/sendFileMessage.ts sendFileMessage (8.x)
export async function sendFileMessage({ omni, uploads, log }, { rid, u, upload, description, msgData = {} }) {
	const { files, attachments } = await parseFileIntoMessageAttachments(uploads, upload, description, log);
	return omni.sendMessage({ rid, ...msgData, msg: msgData.msg ?? '', groupable: msgData.groupable ?? false, u, file: files[0], files, attachments });
}

function dropUndefined(obj) {
	return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined));
}
