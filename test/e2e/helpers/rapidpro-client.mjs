// @ts-check
// Calls the app the way RapidPro's mailroom does: `Authorization: Token <secret>`,
// JSON bodies also on GET, its own field spellings (ticketID, contactUUID).
import { http } from './http.mjs';

/**
 * @param {string} base  the app's public base URL (…/api/apps/public/<app id>)
 * @param {string} secret
 */
export function rapidProClient(base, secret) {
	/** @param {string} method @param {string} path @param {any} [json] @param {Record<string,string>} [headers] */
	const call = (method, path, json, headers = {}) =>
		http(`${base}/${path}`, { method, json, headers: { Authorization: `Token ${secret}`, ...headers } });
	return {
		call,
		secretCheck: () => call('GET', 'secret.check'),
		settings: (url) => call('PUT', 'settings', { webhook: { url } }),
		/** mailroom's body: ticketID, visitor.token as the contact id string, contactUUID */
		openRoom: (ticketID, token, visitor = {}, extra = {}) =>
			call('GET', 'room', { ticketID, visitor: { token, contactUUID: `c0ffee00-0000-4000-8000-${String(token).padStart(12, '0')}`, ...visitor }, ...extra }),
		closeRoom: (token, extra = {}) => call('GET', 'room.close', { visitor: { token }, ...extra }),
		visitorMessage: (token, text, attachments) => call('POST', 'visitor-message', { visitor: { token }, text, ...(attachments && { attachments }) }),
	};
}
