// @ts-check
// A small HTTP client for e2e tests. Built on node:http because fetch refuses
// a body on GET, and RapidPro sends GET /room and /room.close with JSON bodies.

/**
 * @param {string} url
 * @param {{ method?: string, headers?: Record<string,string>, json?: any, body?: string|Buffer, timeoutMs?: number }} [opts]
 * @returns {Promise<{ status: number, headers: import('node:http').IncomingHttpHeaders, text: string, body: Buffer, json: any }>}
 */
export async function http(url, { method = 'GET', headers = {}, json, body, timeoutMs = 30000 } = {}) {
	const { request } = await import(url.startsWith('https:') ? 'node:https' : 'node:http');
	const payload = json !== undefined ? Buffer.from(JSON.stringify(json)) : body !== undefined ? Buffer.from(body) : undefined;
	const allHeaders = { ...(json !== undefined && { 'content-type': 'application/json' }), ...(payload && { 'content-length': String(payload.length) }), ...headers };
	return new Promise((resolve, reject) => {
		// agent: false — a fresh connection per request, so a kept-alive socket the
		// server is closing (5 s idle) never turns into a spurious "socket hang up".
		const req = request(url, { method, headers: allHeaders, timeout: timeoutMs, agent: false }, (res) => {
			const chunks = [];
			res.on('data', (c) => chunks.push(c));
			res.on('end', () => {
				const buf = Buffer.concat(chunks);
				const text = buf.toString('utf8');
				let parsed;
				try {
					parsed = text ? JSON.parse(text) : undefined;
				} catch {
					parsed = undefined;
				}
				resolve({ status: res.statusCode || 0, headers: res.headers, text, body: buf, json: parsed });
			});
		});
		req.on('timeout', () => req.destroy(new Error(`${method} ${url} timed out after ${timeoutMs} ms`)));
		req.on('error', reject);
		req.end(payload);
	});
}
