// @ts-check
// Any method on /api/apps/public/<app id>/<path>: handed to the app through
// manager.getApiManager().executeApi() with what Rocket.Chat passes (method,
// headers, query, params, parsed JSON body as `content` — a body on GET too),
// and the app's status, headers and content relayed back.
import { HttpError, readBody, Reply } from '../router.mjs';

/**
 * Rocket.Chat puts `bodyParser.json()` with its defaults in front of app
 * endpoints: a body over 100 KB is refused with 413 before the app sees it.
 */
export const APP_BODY_LIMIT = 100 * 1024;

/**
 * The request's `content` as body-parser leaves it: a JSON body (object or
 * array; `strict` refuses anything else) when the content type is JSON, and an
 * empty object otherwise (no body, or a type the JSON parser does not take).
 */
async function appContent(req) {
	const raw = await readBody(req, APP_BODY_LIMIT, 'request entity too large');
	if (!/^application\/json\s*(;|$)/i.test(String(req.headers['content-type'] || '').trim()) || !raw.length) return {};
	const text = raw.toString('utf8');
	if (!/^\s*[[{]/.test(text)) throw new HttpError(400, 'Invalid JSON body');
	try {
		return JSON.parse(text);
	} catch {
		throw new HttpError(400, 'Invalid JSON body');
	}
}

export function registerAppEndpoints(router, host) {
	router.on('*', /^\/api\/apps\/public\/(?<id>[^/]+)\/(?<path>.+?)\/?$/, async ({ req, params, query }) => {
		const content = await appContent(req);
		const api = host.bridges.raw.ApiBridge.match(params.id, params.path);
		if (!api) return new Reply(404, { success: false, error: `Endpoint "${params.path}" of app ${params.id} does not exist` });
		const request = {
			method: req.method.toLowerCase(),
			headers: req.headers,
			query,
			params: api.params,
			content,
		};
		let result;
		try {
			result = await host.manager.getApiManager().executeApi(params.id, api.path, request);
		} catch (e) {
			// Rocket.Chat answers 500 with the error message as text.
			host.log(`[host] app endpoint ${req.method} ${params.path} threw: ${/** @type {any} */ (e)?.message || e}`);
			return new Reply(500, String(/** @type {any} */ (e)?.message || e), { 'content-type': 'text/plain; charset=utf-8' });
		}
		const { status = 200, headers = {}, content: answer } = result || {};
		return new Reply(status, answer, headers);
	}, { rawBody: true });
}
