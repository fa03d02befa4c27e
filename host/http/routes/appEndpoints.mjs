// @ts-check
// Any method on /api/apps/public/<app id>/<path>: handed to the app through
// manager.getApiManager().executeApi() with what Rocket.Chat passes (method,
// headers, query, params, parsed JSON body as `content` — a body on GET too),
// and the app's status, headers and content relayed back.
import { Reply } from '../router.mjs';

export function registerAppEndpoints(router, host) {
	router.on('*', /^\/api\/apps\/public\/(?<id>[^/]+)\/(?<path>.+?)\/?$/, async ({ req, params, query, body }) => {
		const api = host.bridges.raw.ApiBridge.match(params.id, params.path);
		if (!api) return new Reply(404, { success: false, error: `Endpoint "${params.path}" of app ${params.id} does not exist` });
		const request = {
			method: req.method.toLowerCase(),
			headers: req.headers,
			query,
			params: api.params,
			content: body,
		};
		let result;
		try {
			result = await host.manager.getApiManager().executeApi(params.id, api.path, request);
		} catch (e) {
			// Rocket.Chat answers 500 with the error message as text.
			host.log(`[host] app endpoint ${req.method} ${params.path} threw: ${/** @type {any} */ (e)?.message || e}`);
			return new Reply(500, String(/** @type {any} */ (e)?.message || e), { 'content-type': 'text/plain; charset=utf-8' });
		}
		const { status = 200, headers = {}, content } = result || {};
		return new Reply(status, content, headers);
	});
}
