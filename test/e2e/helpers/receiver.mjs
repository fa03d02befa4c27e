// @ts-check
// A webhook receiver standing in for RapidPro's callback URL: records every
// request and answers 200 {"status":"handled"} unless told otherwise, so
// tests can simulate failures (500, 429), slowness or a dead endpoint.
import http from 'node:http';

/**
 * @typedef {{ method: string, path: string, headers: http.IncomingHttpHeaders, text: string, json: any, at: number }} Received
 * @typedef {{ status?: number, body?: any, delayMs?: number, headers?: Record<string,string>, destroy?: boolean }} Answer
 */

/**
 * @param {{ port?: number }} [opts]
 * @returns {Promise<{ url: string, requests: Received[], respondWith: (a: Answer | ((r: Received, n: number) => Answer)) => void,
 *   queue: (...answers: Answer[]) => void, waitForRequests: (n: number, timeoutMs?: number) => Promise<Received[]>, reset: () => void, close: () => Promise<void> }>}
 */
export async function startReceiver({ port = 0 } = {}) {
	/** @type {Received[]} */
	const requests = [];
	/** @type {Answer[]} answers used once each, in order, before the default */
	let queued = [];
	/** @type {Answer | ((r: Received, n: number) => Answer)} */
	let fallback = { status: 200, body: { status: 'handled' } };
	const waiters = new Set();

	const server = http.createServer((req, res) => {
		const chunks = [];
		req.on('data', (c) => chunks.push(c));
		req.on('end', async () => {
			const text = Buffer.concat(chunks).toString('utf8');
			let json;
			try {
				json = text ? JSON.parse(text) : undefined;
			} catch {
				json = undefined;
			}
			const received = { method: req.method || '', path: req.url || '', headers: req.headers, text, json, at: Date.now() };
			requests.push(received);
			for (const w of waiters) w();
			const answer = queued.shift() || (typeof fallback === 'function' ? fallback(received, requests.length) : fallback);
			if (answer.delayMs) await new Promise((r) => setTimeout(r, answer.delayMs));
			if (answer.destroy) return req.socket.destroy();
			const body = answer.body === undefined ? '' : typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
			res.writeHead(answer.status || 200, { 'content-type': 'application/json', ...(answer.headers || {}) });
			res.end(body);
		});
	});
	await new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(undefined)));
	const { port: bound } = /** @type {import('node:net').AddressInfo} */ (server.address());

	return {
		url: `http://127.0.0.1:${bound}`,
		requests,
		respondWith: (a) => (fallback = a),
		queue: (...answers) => queued.push(...answers),
		waitForRequests: (n, timeoutMs = 30000) =>
			new Promise((resolve, reject) => {
				if (requests.length >= n) return resolve(requests.slice(0, n));
				const timer = setTimeout(() => {
					waiters.delete(check);
					reject(new Error(`receiver got ${requests.length} of ${n} requests in ${timeoutMs} ms`));
				}, timeoutMs);
				const check = () => {
					if (requests.length < n) return;
					clearTimeout(timer);
					waiters.delete(check);
					resolve(requests.slice(0, n));
				};
				waiters.add(check);
			}),
		reset: () => {
			requests.length = 0;
			queued = [];
			fallback = { status: 200, body: { status: 'handled' } };
		},
		close: () =>
			new Promise((resolve) => {
				server.closeAllConnections?.();
				server.close(() => resolve(undefined));
			}),
	};
}
