// @ts-check
// Real outbound HTTP for the app (http.get/post/…), as Rocket.Chat's bridge does it.
// Rocket.Chat: apps/meteor/app/apps/server/bridges/http.ts AppHttpBridge.call (7.x/8.x), through packages/server-fetch (node-fetch 2)
// - `content` is sent as is; without it an object `data` is sent as JSON;
// - `params` join the URL when there is a body or the method is GET/HEAD (empty
//   values skipped); otherwise they BECOME the body, form-encoded (the engine
//   always passes `params: {}`, so a POST without content sends an empty form);
// - `query` is not used (Rocket.Chat's bridge ignores it); `auth` must be "user:password";
// - `timeout` in ms, 3 minutes when not given;
// - `data` is the parsed body only for a JSON or JavaScript content type, else null;
// - a network error rejects with node-fetch's text, holding the full URL; a timeout
//   rejects with "The user aborted a request." (the abort that implements it).
import { bridges } from './engine.mjs';

/** Rocket.Chat: "Previously, there was no timeout for HTTP requests" — 3 minutes since. */
export const DEFAULT_TIMEOUT_MS = 3 * 60 * 1000;

/** The content types whose body Rocket.Chat parses into `data`. */
const PARSED_TYPES = ['application/json', 'text/javascript', 'application/javascript', 'application/x-javascript'];

const isGetOrHead = (method) => ['GET', 'HEAD'].includes(String(method).toUpperCase());

/** server-fetch's JSON body: an object body of POST/PUT/DELETE becomes JSON, Content-Type defaulting to JSON. */
function fetchBody(method, body, headers) {
	if (body === undefined || body === null || typeof body !== 'object' || Buffer.isBuffer(body)) return body;
	if (!['post', 'put', 'delete'].includes(String(method).toLowerCase())) return body;
	if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['Content-Type'] = 'application/json';
	return JSON.stringify(body);
}

export class HostHttpBridge extends bridges.HttpBridge {
	async call({ method, url: target, request = {} }) {
		const url = new URL(target);
		const headers = { ...(request.headers || {}) };
		let content = request.content;
		if (!content && typeof request.data === 'object') content = request.data;
		if (request.auth) {
			if (request.auth.indexOf(':') < 0) throw new Error('auth option should be of the form "username:password"');
			headers.Authorization = `Basic ${Buffer.from(request.auth, 'ascii').toString('base64')}`;
		}
		let paramsForBody;
		if (content || isGetOrHead(method)) {
			for (const [key, value] of Object.entries(request.params || {})) if (value) url.searchParams.append(key, value);
		} else {
			paramsForBody = request.params;
		}
		if (paramsForBody) {
			content = new URLSearchParams(paramsForBody).toString();
			headers['Content-Type'] = 'application/x-www-form-urlencoded';
		}
		if (isGetOrHead(method)) content = undefined;
		const timeout = request.timeout || DEFAULT_TIMEOUT_MS;

		let response;
		try {
			response = await fetch(url.href, {
				method: String(method).toUpperCase(),
				headers,
				body: fetchBody(method, content, headers),
				signal: AbortSignal.timeout(timeout),
				redirect: 'follow',
			});
		} catch (e) {
			throw fetchError(url.href, e);
		}
		let bytes;
		try {
			bytes = Buffer.from(await response.arrayBuffer());
		} catch (e) {
			throw fetchError(url.href, e, 'body');
		}
		const result = { url: target, method, statusCode: response.status, headers: Object.fromEntries(response.headers) };
		if (request.encoding === null) return { ...result, content: bytes };
		const content2 = bytes.toString(/** @type {BufferEncoding} */ (request.encoding || 'utf8'));
		return { ...result, content: content2, data: parsedData(response.headers.get('content-type'), content2) };
	}
}

/** Rocket.Chat's `data`: JSON for the types it parses (exact match, before any `;`), null otherwise or when it does not parse. */
export function parsedData(contentType, content) {
	if (!PARSED_TYPES.includes((contentType || '').split(';')[0])) return null;
	try {
		return JSON.parse(content);
	} catch {
		return null;
	}
}

/** node-fetch 2's error texts, which the app sees (and may log) on Rocket.Chat. */
function fetchError(href, e, stage = 'request') {
	const err = /** @type {any} */ (e);
	if (err?.name === 'TimeoutError' || err?.name === 'AbortError') return new Error('The user aborted a request.');
	const reason = err?.cause?.message || err?.message || String(err);
	return new Error(stage === 'body' ? `Invalid response body while trying to fetch ${href}: ${reason}` : `request to ${href} failed, reason: ${reason}`);
}
