// The page's only way to the server: Rocket.Chat's REST paths with X-User-Id / X-Auth-Token
// (and /api/host/simulator/* for the simulator, which is not Rocket.Chat).
import { h } from 'preact';
import htm from 'htm';

export const html = htm.bind(h);

const KEY = 'tickets-host-session';

export const session = {
	get() {
		try {
			return JSON.parse(localStorage.getItem(KEY) || 'null');
		} catch {
			return null;
		}
	},
	/** Keeps the log-in, and as rc_uid/rc_token cookies so <img>/<audio> can load /file-upload links. */
	set(s) {
		if (s) localStorage.setItem(KEY, JSON.stringify(s));
		else localStorage.removeItem(KEY);
		const max = s ? '' : '; max-age=0';
		document.cookie = `rc_uid=${encodeURIComponent(s?.userId || '')}; path=/; SameSite=Strict${max}`;
		document.cookie = `rc_token=${encodeURIComponent(s?.authToken || '')}; path=/; SameSite=Strict${max}`;
	},
};

/** Calls a REST path; JSON in and out; throws the server's `error` on a non-2xx answer. */
export async function api(method, path, body) {
	const s = session.get();
	const headers = { ...(s && { 'X-User-Id': s.userId, 'X-Auth-Token': s.authToken }) };
	let payload = body;
	if (body !== undefined && !(body instanceof FormData)) {
		headers['Content-Type'] = 'application/json';
		payload = JSON.stringify(body);
	}
	const res = await fetch(path, { method, headers, body: payload });
	const text = await res.text();
	let json;
	try {
		json = text ? JSON.parse(text) : {};
	} catch {
		json = { error: text };
	}
	if (!res.ok || json.success === false) throw new Error(json.error || json.message || `${res.status} ${res.statusText}`);
	return json;
}

export const fmtTime = (iso) => (iso ? new Date(iso).toLocaleTimeString() : '');
