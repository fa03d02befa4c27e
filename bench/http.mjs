// @ts-check
// The bench's HTTP client: keep-alive connections, as RapidPro's Go client and
// an agent's browser use, so a measurement is the server's work and not a TCP
// handshake per request. Free sockets are dropped after 4 s, before the
// server's 5 s keep-alive closes them under a request. JSON bodies also on GET
// (RapidPro sends them), so node:http and not fetch.
import http from 'node:http';

const agent = new http.Agent({ keepAlive: true, maxSockets: 64, timeout: 4000 });

/**
 * @param {string} url
 * @param {{ method?: string, headers?: Record<string,string>, json?: any, timeoutMs?: number }} [opts]
 * @returns {Promise<{ status: number, json: any, text: string }>}
 */
export function request(url, { method = 'GET', headers = {}, json, timeoutMs = 60000 } = {}) {
	const payload = json === undefined ? undefined : Buffer.from(JSON.stringify(json));
	const allHeaders = { ...(payload && { 'content-type': 'application/json', 'content-length': String(payload.length) }), ...headers };
	return new Promise((resolve, reject) => {
		const req = http.request(url, { method, headers: allHeaders, agent, timeout: timeoutMs }, (res) => {
			const chunks = [];
			res.on('data', (c) => chunks.push(c));
			res.on('end', () => {
				const text = Buffer.concat(chunks).toString('utf8');
				let parsed;
				try {
					parsed = text ? JSON.parse(text) : undefined;
				} catch {
					parsed = undefined;
				}
				resolve({ status: res.statusCode || 0, json: parsed, text });
			});
		});
		req.on('timeout', () => req.destroy(new Error(`${method} ${url} timed out after ${timeoutMs} ms`)));
		req.on('error', reject);
		req.end(payload);
	});
}

/** Closes the kept-alive sockets so the process can exit. */
export function closeConnections() {
	agent.destroy();
}

/** Throws unless the answer has the expected status: a benchmark of errors measures nothing. */
export function expectStatus(res, status, what) {
	if (res.status !== status) throw new Error(`${what}: expected HTTP ${status}, got ${res.status} ${res.text.slice(0, 300)}`);
	return res;
}
