// @ts-check
// The one HTTP client the host's simulator, the e2e tests and the bench share.
// Built on node:http because fetch refuses a body on GET, and RapidPro sends
// GET /room and /room.close with JSON bodies.

/**
 * @param {string} url
 * @param {{ method?: string, headers?: Record<string,string>, json?: any, body?: string|Buffer, timeoutMs?: number, agent?: import('node:http').Agent | false }} [opts]
 * @returns {Promise<{ status: number, headers: import('node:http').IncomingHttpHeaders, text: string, body: Buffer, json: any }>}
 */
export async function requestJson(url, { method = 'GET', headers = {}, json, body, timeoutMs = 30000, agent = false } = {}) {
	const { request } = await import(url.startsWith('https:') ? 'node:https' : 'node:http');
	const payload = json !== undefined ? Buffer.from(JSON.stringify(json)) : body !== undefined ? Buffer.from(body) : undefined;
	const allHeaders = { ...(json !== undefined && { 'content-type': 'application/json' }), ...(payload && { 'content-length': String(payload.length) }), ...headers };
	return new Promise((resolve, reject) => {
		const req = request(url, { method, headers: allHeaders, timeout: timeoutMs, agent }, (res) => {
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
