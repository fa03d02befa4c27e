// @ts-check
// The e2e tests' HTTP client: the host's own (JSON bodies also on GET, as RapidPro
// sends them), with a fresh connection per request, so a kept-alive socket the
// server is closing (5 s idle) never turns into a spurious "socket hang up".
import { requestJson } from '../../../host/http/client.mjs';

/**
 * @param {string} url
 * @param {{ method?: string, headers?: Record<string,string>, json?: any, body?: string|Buffer, timeoutMs?: number }} [opts]
 */
export function http(url, opts = {}) {
	return requestJson(url, { ...opts, agent: false });
}
