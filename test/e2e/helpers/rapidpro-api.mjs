// @ts-check
// A stand-in for RapidPro's API v2 `messages.json`, the way RapidPro serves it:
// `Authorization: Token <token>` required (403 otherwise), results newest first,
// `next` as an absolute URL to the following page, `after` filtering by
// created_on. Tests load messages with `add()` and can make it slow or failing,
// or relabel its answers (`contentType()`), as a proxy in front of RapidPro might.
import http from 'node:http';

/**
 * @typedef {{ direction: 'in'|'out', text: string, created_on: string, attachments?: {content_type: string, url: string}[], contact?: {uuid: string} }} ApiMessage
 * @param {{ token?: string, pageSize?: number }} [opts]
 */
export async function startRapidProApi({ token = 'API-TOKEN', pageSize = 3 } = {}) {
	/** @type {Map<string, ApiMessage[]>} */
	const byContact = new Map();
	/** @type {{ path: string, auth: string | undefined }[]} */
	const requests = [];
	/** @type {{ status?: number, delayMs?: number } | undefined} */
	let failure;
	/** RapidPro's own label; `contentType()` changes it. */
	let type = 'application/json';
	const server = http.createServer(async (req, res) => {
		const url = new URL(req.url || '/', 'http://x');
		requests.push({ path: url.pathname + url.search, auth: req.headers.authorization });
		if (failure?.delayMs) await new Promise((r) => setTimeout(r, failure?.delayMs));
		const send = (status, body) => {
			res.writeHead(status, { 'content-type': type });
			res.end(JSON.stringify(body));
		};
		if (failure?.status) return send(failure.status, { detail: 'failing on purpose' });
		if (req.headers.authorization !== `Token ${token}`) return send(403, { detail: 'Invalid token' });
		if (url.pathname !== '/api/v2/messages.json') return send(404, { detail: 'Not found' });
		const after = url.searchParams.get('after');
		const all = (byContact.get(url.searchParams.get('contact') || '') || [])
			.filter((m) => !after || Date.parse(m.created_on) > Date.parse(after))
			.sort((a, b) => Date.parse(b.created_on) - Date.parse(a.created_on));
		const offset = Number(url.searchParams.get('offset') || 0);
		const page = all.slice(offset, offset + pageSize);
		const nextUrl = new URL(`${base}${url.pathname}${url.search}`);
		nextUrl.searchParams.set('offset', String(offset + pageSize));
		send(200, { next: offset + pageSize < all.length ? nextUrl.toString() : null, previous: null, results: page });
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
	const base = `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (server.address()).port}`;
	return {
		url: base,
		token,
		requests,
		/** @param {string} contact @param {ApiMessage[]} messages */
		add: (contact, messages) => byContact.set(contact, [...(byContact.get(contact) || []), ...messages.map((m) => ({ ...m, contact: { uuid: contact } }))]),
		/** @param {{ status?: number, delayMs?: number } | undefined} f */
		fail: (f) => (failure = f),
		/** @param {string} t the Content-Type of every later answer */
		contentType: (t) => (type = t),
		close: () => new Promise((resolve) => {
			server.closeAllConnections?.();
			server.close(() => resolve(undefined));
		}),
	};
}
