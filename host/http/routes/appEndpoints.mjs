// @ts-check
// Any method on /api/apps/public/<app id>/<path>, with what Rocket.Chat puts in
// front of the app, in Rocket.Chat's order:
// Rocket.Chat: apps/meteor/app/apps/server/bridges/router.ts (7.x/8.x): bodyParser.urlencoded(), bodyParser.json() on /api/apps/public/:appId
// Rocket.Chat: apps/meteor/app/apps/server/bridges/api.ts AppApisBridge (7.x/8.x): router.all per endpoint, res.sendStatus(404), res.set/status/send
// 1. every request under the prefix goes through body-parser first (before the
//    app is even looked up): a body parser error is answered by Express's final
//    handler, an HTML page (production: the status text only);
// 2. the app's own Express router: each endpoint is `router.all(path)` (every
//    method reaches the app; paths match case-insensitively, trailing slash
//    optional); an unknown app or path → `res.sendStatus(404)`, plain `Not Found`;
// 3. the app's answer goes out through Express's `res.set(headers)`,
//    `res.status(status)`, `res.send(content)`; a rejected call → 500 and the
//    message as text.
import bodyParser from 'body-parser';
import finalhandler from 'finalhandler';

// body-parser's defaults, as Rocket.Chat uses them: 100 KB limit (413 past it), strict JSON.
// `bodyParser.urlencoded()` without options means `extended: true` in body-parser 1.x
// (it only prints a deprecation notice); said explicitly to keep the notice out of the log.
const parsers = [bodyParser.urlencoded({ extended: true }), bodyParser.json()];

/** Runs the parsers as Express would; resolves the error one of them passed to `next`, if any. */
function parseBody(req, res) {
	return new Promise((resolve) => {
		let i = 0;
		const next = (err) => (err || i === parsers.length ? resolve(err) : parsers[i++](req, res, next));
		next(undefined);
	});
}

/** Express's error page, as the server's final handler writes it in production (no stack). */
function expressErrorPage(req, res, err) {
	finalhandler(req, res, { env: 'production' })(err);
}

/** `Content-Type` with the charset Express's res.set adds (mime's rule: text/*, JSON and JavaScript are UTF-8). */
function withCharset(type) {
	if (/;\s*charset=/i.test(type)) return type;
	return /^text\/|^application\/(javascript|json)/i.test(type) ? `${type}; charset=utf-8` : type;
}

/** Writes the app's answer the way Express's res.set(headers).status(status).send(content) does. */
export function sendLikeExpress(req, res, status, headers, content) {
	/** @type {Record<string, any>} */
	const out = {};
	for (const [name, value] of Object.entries(headers || {})) out[name.toLowerCase()] = name.toLowerCase() === 'content-type' ? withCharset(String(value)) : value;
	let body;
	if (typeof content === 'string') {
		body = Buffer.from(content);
		out['content-type'] = withUtf8(out['content-type'] || 'text/html');
	} else if (Buffer.isBuffer(content)) {
		body = content;
		out['content-type'] ||= 'application/octet-stream';
	} else if (content !== undefined && content !== null) {
		body = Buffer.from(JSON.stringify(content));
		out['content-type'] = withUtf8(out['content-type'] || 'application/json');
	} else if (content === null) {
		body = Buffer.alloc(0);
	}
	if (body) out['content-length'] = body.length;
	if (status === 204 || status === 304) {
		delete out['content-type'];
		delete out['content-length'];
		delete out['transfer-encoding'];
		body = undefined;
	}
	res.writeHead(status, out);
	res.end(req.method === 'HEAD' ? undefined : body);
}

/** Express's res.send sets the charset of a string body to utf-8, replacing any other. */
function withUtf8(type) {
	return /;\s*charset=/i.test(type) ? type.replace(/;\s*charset=[^;]*/i, '; charset=utf-8') : `${type}; charset=utf-8`;
}

/** Express's res.sendStatus(404). */
function notFound(req, res) {
	sendLikeExpress(req, res, 404, { 'content-type': 'text/plain' }, 'Not Found');
}

export function registerAppEndpoints(router, host) {
	// app.use() mounts match case-insensitively, like the app's routes.
	router.on('*', /^\/api\/apps\/public\/(?<id>[^/]+)(?<rest>\/.*)?$/i, async ({ req, res, params, url }) => {
		const parseError = await parseBody(req, res);
		if (parseError) return expressErrorPage(req, res, parseError);
		const api = host.bridges.raw.ApiBridge.match(params.id, params.rest || '/');
		if (!api) return notFound(req, res);
		const request = {
			method: req.method.toLowerCase(),
			headers: req.headers,
			query: Object.fromEntries(url.searchParams),
			params: api.params,
			content: /** @type {any} */ (req).body,
		};
		let result;
		try {
			result = await host.manager.getApiManager().executeApi(params.id, api.path, request);
		} catch (e) {
			const message = String(/** @type {any} */ (e)?.message || e);
			host.log(`[host] app endpoint ${req.method} ${params.rest} threw: ${message}`);
			return sendLikeExpress(req, res, 500, {}, message);
		}
		const { status = 200, headers = {}, content } = result || {};
		return sendLikeExpress(req, res, status, headers, content);
	}, { rawBody: true });
}
