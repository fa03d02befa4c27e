// @ts-check
// An agent's file upload, in whichever generation the server has: Rocket.Chat 8
// removed rooms.upload (one multipart request that posts the message); 6.10+
// has rooms.media (store the file) + rooms.mediaConfirm (post it). The newer
// one is tried first; a 404 means an older server, which gets rooms.upload.
import { http } from './http.mjs';

/** multipart/form-data with one `file` part and text fields. */
export function multipart({ name, type, bytes }, fields = {}) {
	const boundary = `----tickets-e2e-${Math.random().toString(16).slice(2)}`;
	const parts = [Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: ${type}\r\n\r\n`), Buffer.from(bytes)];
	for (const [key, value] of Object.entries(fields)) parts.push(Buffer.from(`\r\n--${boundary}\r\nContent-Disposition: form-data; name="${key}"\r\n\r\n${value}`));
	parts.push(Buffer.from(`\r\n--${boundary}--\r\n`));
	return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

/**
 * Uploads a file into a room as the logged-in agent; resolves the server's answer with the
 * posted message (`{message, success}`) and which route did it.
 * @param {string} url @param {{headers: Record<string,string>}} auth @param {string} rid
 * @param {{ name: string, type: string, bytes: string | Buffer }} file @param {{ msg?: string, description?: string }} [fields]
 */
export async function uploadFile(url, auth, rid, file, fields = {}) {
	const { body, contentType } = multipart(file);
	const media = await http(`${url}/api/v1/rooms.media/${rid}`, { method: 'POST', headers: { ...auth.headers, 'content-type': contentType }, body });
	if (media.status !== 404) {
		if (!media.json?.success) throw new Error(`rooms.media failed: ${media.status} ${media.text}`);
		const confirm = await http(`${url}/api/v1/rooms.mediaConfirm/${rid}/${media.json.file._id}`, { method: 'POST', headers: auth.headers, json: fields });
		return { route: 'rooms.mediaConfirm', status: confirm.status, json: confirm.json, text: confirm.text };
	}
	const old = multipart(file, fields);
	const up = await http(`${url}/api/v1/rooms.upload/${rid}`, { method: 'POST', headers: { ...auth.headers, 'content-type': old.contentType }, body: old.body });
	return { route: 'rooms.upload', status: up.status, json: up.json, text: up.text };
}
