// @ts-check
// The bench's HTTP client: keep-alive connections, as RapidPro's Go client and
// an agent's browser use, so a measurement is the server's work and not a TCP
// handshake per request. Free sockets are dropped after 4 s, before the
// server's 5 s keep-alive closes them under a request. JSON bodies also on GET
// (RapidPro sends them), so node:http and not fetch.
import http from 'node:http';
import { requestJson } from '../host/http/client.mjs';

const agent = new http.Agent({ keepAlive: true, maxSockets: 64, timeout: 4000 });

/**
 * @param {string} url
 * @param {{ method?: string, headers?: Record<string,string>, json?: any, timeoutMs?: number }} [opts]
 * @returns {Promise<{ status: number, json: any, text: string }>}
 */
export function request(url, { timeoutMs = 60000, ...opts } = {}) {
	return requestJson(url, { ...opts, timeoutMs, agent });
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
