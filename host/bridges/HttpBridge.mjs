// @ts-check
// Real outbound HTTP for the app (http.get/post/…), the way Rocket.Chat's
// bridge does it: `data` is sent as JSON, `content` as is, `params`/`query`
// join the URL, `auth` becomes Basic, `timeout` (ms) bounds the request.
// A network error or timeout rejects the app's call (the app must catch it).
import { bridges } from './engine.mjs';

export class HostHttpBridge extends bridges.HttpBridge {
	async call({ method, url, request = {} }) {
		const target = new URL(url);
		if (request.query) target.search = target.search ? `${target.search}&${request.query}` : `?${request.query}`;
		for (const [k, v] of Object.entries(request.params || {})) target.searchParams.append(k, v);
		const headers = { ...(request.headers || {}) };
		let body = request.content;
		if (body === undefined && request.data !== undefined) {
			body = JSON.stringify(request.data);
			if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['Content-Type'] = 'application/json';
		}
		if (request.auth) headers.Authorization = `Basic ${Buffer.from(request.auth).toString('base64')}`;
		const verb = String(method).toUpperCase();
		let response;
		try {
			response = await fetch(target, {
				method: verb,
				headers,
				body: verb === 'GET' || verb === 'HEAD' ? undefined : body,
				signal: request.timeout ? AbortSignal.timeout(request.timeout) : undefined,
				redirect: 'follow',
			});
		} catch (e) {
			const err = /** @type {any} */ (e);
			if (err?.name === 'TimeoutError') throw new Error(`Request to ${target.origin} timed out after ${request.timeout} ms`);
			throw new Error(`Request to ${target.origin} failed: ${err?.cause?.code || err?.cause?.message || err?.message}`);
		}
		const bytes = Buffer.from(await response.arrayBuffer());
		const content = request.encoding === null ? bytes : bytes.toString(/** @type {BufferEncoding} */ (request.encoding || 'utf8'));
		let data;
		if (typeof content === 'string' && /json/i.test(response.headers.get('content-type') || '')) {
			try {
				data = JSON.parse(content);
			} catch {
				// not JSON after all: the app still gets `content`
			}
		}
		return { url: target.href, method, statusCode: response.status, headers: Object.fromEntries(response.headers), content, data };
	}
}
