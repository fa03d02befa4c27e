// @ts-check
// A tiny router for the host's Rocket.Chat-shaped REST surface: routes by
// method + path regex, one place for auth (X-User-Id / X-Auth-Token), JSON
// bodies (also on GET: RapidPro sends them) and errors, which always come out
// as Rocket.Chat's `{"success": false, "error": "..."}`.

export class HttpError extends Error {
	/** @param {number} status @param {string} message @param {object} [extra] */
	constructor(status, message, extra = {}) {
		super(message);
		this.status = status;
		this.extra = extra;
	}
}

/**
 * Reads a whole request body as a Buffer. Past `limit` bytes the rest is read
 * and dropped, then it rejects with 413: answering before the client has sent
 * everything would reset the connection under it (body-parser waits too).
 */
export function readBody(req, limit = 50 * 1024 * 1024, tooLarge = 'error-file-too-large') {
	return new Promise((resolve, reject) => {
		const chunks = [];
		let size = 0;
		req.on('data', (c) => {
			size += c.length;
			if (size <= limit) chunks.push(c);
			else chunks.length = 0;
		});
		req.on('end', () => (size > limit ? reject(new HttpError(413, tooLarge)) : resolve(Buffer.concat(chunks))));
		req.on('error', reject);
	});
}

/** Parses a JSON body when there is one (any method); `undefined` when empty. */
export async function jsonBody(req) {
	const raw = await readBody(req);
	if (!raw.length) return undefined;
	const text = raw.toString('utf8');
	if (!/json/i.test(req.headers['content-type'] || '') && !/^\s*[[{]/.test(text)) return text;
	try {
		return JSON.parse(text);
	} catch {
		throw new HttpError(400, 'Invalid JSON body');
	}
}

/** A handler's answer with its own status and headers. */
export class Reply {
	constructor(status, body, headers = {}) {
		this.status = status;
		this.body = body;
		this.headers = headers;
	}
}

export class Router {
	/** @param {{ authenticate: (userId: string, token: string) => Promise<any>, log: (line: string) => void }} opts */
	constructor({ authenticate, log }) {
		this.authenticate = authenticate;
		this.log = log;
		/** @type {{method: string, pattern: RegExp, handler: Function, auth: boolean, rawBody: boolean}[]} */
		this.routes = [];
	}

	/**
	 * @param {string} method '*' for any
	 * @param {RegExp} pattern matched against the path (named groups become ctx.params)
	 * @param {(ctx: any) => Promise<any>} handler returns a JSON-able body (200), a Reply, or undefined when it answered itself
	 * @param {{auth?: boolean, rawBody?: boolean}} [opts] rawBody: the handler reads the body (multipart)
	 */
	on(method, pattern, handler, { auth = false, rawBody = false } = {}) {
		this.routes.push({ method, pattern, handler, auth, rawBody });
	}

	async handle(req, res) {
		const url = new URL(req.url.replace(/\/{2,}/g, '/'), 'http://host');
		const path = url.pathname;
		try {
			const route = this.routes.find((r) => (r.method === '*' || r.method === req.method) && r.pattern.test(path));
			if (!route) throw new HttpError(404, `Endpoint "${path}" does not exist`);
			const ctx = {
				req,
				res,
				url,
				path,
				query: Object.fromEntries(url.searchParams),
				params: path.match(route.pattern)?.groups || {},
				body: undefined,
				user: undefined,
			};
			if (route.auth) {
				ctx.user = await this.authenticate(String(req.headers['x-user-id'] || ''), String(req.headers['x-auth-token'] || ''));
				if (!ctx.user) throw new HttpError(401, 'You must be logged in to do this.', { status: 'error', message: 'You must be logged in to do this.' });
			}
			if (!route.rawBody) ctx.body = await jsonBody(req);
			const out = await route.handler(ctx);
			if (out === undefined) return;
			if (out instanceof Reply) return send(res, out.status, out.body, out.headers);
			send(res, 200, out);
		} catch (e) {
			const err = /** @type {any} */ (e);
			if (!(err instanceof HttpError)) this.log(`[host] ${req.method} ${path} failed: ${err?.stack || err}`);
			const status = err instanceof HttpError ? err.status : 400;
			if (!res.headersSent) send(res, status, { success: false, error: err?.message || String(err), ...(err.extra || {}) });
			else res.end();
		}
	}
}

/** Writes a body: objects as JSON, strings and Buffers as they are. */
export function send(res, status, body, headers = {}) {
	const lower = Object.fromEntries(Object.entries(headers || {}).map(([k, v]) => [k.toLowerCase(), v]));
	let payload = body;
	if (body !== undefined && body !== null && !Buffer.isBuffer(body) && typeof body === 'object') {
		payload = JSON.stringify(body);
		lower['content-type'] ||= 'application/json';
	} else if (typeof body === 'string') {
		lower['content-type'] ||= 'text/html; charset=utf-8';
	}
	res.writeHead(status, lower);
	res.end(status === 204 || status === 304 || payload === undefined || payload === null ? undefined : payload);
}
