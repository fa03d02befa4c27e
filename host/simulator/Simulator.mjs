// @ts-check
// HOST-ONLY: a stand-in for RapidPro, driven from the browser page (host/web/simulator.js).
// It calls the app's public endpoints exactly as RapidPro's mailroom does (`Authorization:
// Token <secret>`, JSON bodies also on GET; see test/e2e/helpers/rapidpro-client.mjs) and receives
// the app's webhooks at its own callback URL inside the host process, where a switch can make it
// fail (down, 500, slow) to watch the app's queue retry and drain.
import crypto from 'node:crypto';
import { requestJson } from '../http/client.mjs';

/** RapidPro's secret for a new ticketer: 32 characters from this alphabet (its `random_string`). */
const SECRET_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
export const MODES = ['ok', 'down', '500', 'slow'];
/** How long a "slow" callback takes to answer: past the app's default request timeout (15 s). */
const SLOW_MS = Number(process.env.SIMULATOR_SLOW_MS || 20000);
const KEEP_EVENTS = 200;

export function rapidProSecret() {
	let s = '';
	for (let i = 0; i < 32; i++) s += SECRET_ALPHABET[crypto.randomInt(SECRET_ALPHABET.length)];
	return s;
}

/** One call to the app as RapidPro makes it; a connection error is an answer too (status 0), shown on the page. */
function call(method, url, secret, json) {
	return requestJson(url, { method, json, timeoutMs: 60000, headers: { authorization: `Token ${secret}` } })
		.catch((e) => ({ status: 0, text: String(e.message), json: undefined }));
}

export class Simulator {
	/** @param {{ url: () => string, manager: () => any, log: (line: string) => void }} deps manager: the serving instance's */
	constructor({ url, manager, log }) {
		this.url = url;
		this.managerOf = manager;
		this.log = log;
		this.secret = '';
		this.appId = '';
		this.ticketerUuid = crypto.randomUUID();
		/** @type {'ok'|'down'|'500'|'slow'} */
		this.mode = 'ok';
		/** @type {any[]} tickets this simulator opened, newest first */
		this.tickets = [];
		/** @type {any[]} webhooks received, newest first */
		this.webhooks = [];
		/** @type {Map<string, {name: string, type: string, buffer: Buffer}>} files the contact sent */
		this.files = new Map();
		/** @type {Set<(state: any) => void>} */
		this.listeners = new Set();
		this.seq = 0;
	}

	callbackUrl() {
		return `${this.url()}/api/host/simulator/callback/${this.ticketerUuid}`;
	}

	base() {
		return `${this.url()}/api/apps/public/${this.appId}`;
	}

	state() {
		return { connected: !!this.secret, secret: this.secret, appId: this.appId, base: this.appId ? this.base() : '', callbackUrl: this.callbackUrl(), mode: this.mode, modes: MODES, slowMs: SLOW_MS, tickets: this.tickets, webhooks: this.webhooks };
	}

	changed() {
		const state = this.state();
		for (const l of this.listeners) l(state);
	}

	/** The app RapidPro talks to: the one with a `app_secret` setting (the Tickets app), else the first. */
	async findApp() {
		const apps = await this.managerOf().get();
		return apps.find((a) => a.getStorageItem().settings?.app_secret) || apps[0];
	}

	/**
	 * Connects as RapidPro does when a ticketer is added: a new secret (which the admin pastes into the
	 * App Secret setting: saved here through the settings manager, as POST /api/apps/<id>/settings does),
	 * then `GET /secret.check` and `PUT /settings` with the callback URL.
	 */
	async connect() {
		const app = await this.findApp();
		if (!app) return { ok: false, error: 'no app installed' };
		this.appId = app.getID();
		const secret = rapidProSecret();
		const setting = app.getStorageItem().settings.app_secret;
		if (!setting) return { ok: false, error: `${app.getName()} has no app_secret setting` };
		await this.managerOf().getSettingsManager().updateAppSetting(this.appId, { ...setting, value: secret });
		this.secret = secret;
		// The app reads its settings within a few seconds of a change: RapidPro's check is retried until then.
		let check;
		const end = Date.now() + 10000;
		do {
			check = await call('GET', `${this.base()}/secret.check`, secret);
			if (check.status === 204) break;
			await new Promise((r) => setTimeout(r, 250));
		} while (Date.now() < end);
		if (check.status !== 204) {
			this.changed();
			return { ok: false, error: `secret.check answered ${check.status} ${check.text}` };
		}
		const settings = await call('PUT', `${this.base()}/settings`, secret, { webhook: { url: this.callbackUrl() } });
		this.changed();
		return settings.status === 204 ? { ok: true } : { ok: false, error: `PUT /settings answered ${settings.status} ${settings.text}` };
	}

	requireConnected() {
		if (!this.secret) throw Object.assign(new Error('connect first'), { status: 409 });
	}

	/** Opens a ticket for a contact: mailroom's `GET /room` body. */
	async openTicket({ name = '', phone = '', department = '', customFields = {}, sessionStart = '' } = {}) {
		this.requireConnected();
		if (!customFields || typeof customFields !== 'object' || Array.isArray(customFields)) throw Object.assign(new Error('customFields must be an object'), { status: 400 });
		const ticket = { ticketID: crypto.randomUUID(), token: String(100000 + crypto.randomInt(900000)), contactUUID: crypto.randomUUID(), name, phone, department, roomId: '', open: false, messages: [], answer: '' };
		const visitor = { token: ticket.token, contactUUID: ticket.contactUUID, ...(name && { name }), ...(phone && { phone }), ...(department && { department }), ...(Object.keys(customFields).length && { customFields }) };
		const res = await call('GET', `${this.base()}/room`, this.secret, { ticketID: ticket.ticketID, ...(sessionStart && { sessionStart }), visitor });
		ticket.answer = `${res.status} ${res.text}`;
		if (res.status === 200 && res.json?.id) {
			ticket.roomId = res.json.id;
			ticket.open = true;
			this.tickets.unshift(ticket);
		}
		this.changed();
		return { status: res.status, body: res.json ?? res.text, ticket };
	}

	ticket(token) {
		const t = this.tickets.find((x) => x.token === String(token));
		if (!t) throw Object.assign(new Error('no such ticket'), { status: 404 });
		return t;
	}

	/** The contact writes: `POST /visitor-message` with text and attachments ({type, url}). */
	async contactMessage({ token, text = '', attachments = [] }) {
		this.requireConnected();
		const ticket = this.ticket(token);
		const res = await call('POST', `${this.base()}/visitor-message`, this.secret, { visitor: { token: ticket.token }, text, ...(attachments.length && { attachments }) });
		if (res.status === 201) ticket.messages.push({ from: 'contact', text, attachments, at: new Date().toISOString() });
		this.changed();
		return { status: res.status, body: res.json ?? res.text };
	}

	/** RapidPro closes the ticket: `GET /room.close` (no close-room comes back for it). */
	async closeTicket({ token }) {
		this.requireConnected();
		const ticket = this.ticket(token);
		const res = await call('GET', `${this.base()}/room.close`, this.secret, { visitor: { token: ticket.token }, ticketID: ticket.ticketID });
		if (res.status === 204) ticket.open = false;
		this.changed();
		return { status: res.status, body: res.json ?? res.text };
	}

	setMode(mode) {
		if (!MODES.includes(mode)) throw Object.assign(new Error(`mode must be one of ${MODES.join(', ')}`), { status: 400 });
		this.mode = mode;
		this.changed();
	}

	addFile({ name, type, buffer }) {
		const id = crypto.randomBytes(8).toString('hex');
		this.files.set(id, { name, type, buffer });
		return `${this.url()}/api/host/simulator/files/${id}/${encodeURIComponent(name)}`;
	}

	/**
	 * A webhook arrives at the callback URL. Answers as the switch says: `down` drops the connection
	 * (what the app sees of a dead server), `500` an error, `slow` waits past the app's timeout;
	 * otherwise RapidPro's 200, or 401 when the token is not the secret.
	 * @returns {Promise<{ status: number, body?: any } | 'drop'>}
	 */
	async receive({ authorization, text }) {
		let payload;
		try {
			payload = JSON.parse(text);
		} catch {
			payload = text;
		}
		const mode = this.mode;
		const event = { id: ++this.seq, at: new Date().toISOString(), type: payload?.type || '?', payload, mode, answer: 'waiting…' };
		this.webhooks.unshift(event);
		this.webhooks.length = Math.min(this.webhooks.length, KEEP_EVENTS);
		this.changed();
		/** @type {{ status: number, body?: any } | 'drop'} */
		let answer;
		if (mode === 'down') answer = 'drop';
		else if (mode === '500') answer = { status: 500, body: { error: 'simulated failure' } };
		else if (authorization !== `Token ${this.secret}`) answer = { status: 401, body: { error: 'invalid authorization' } };
		else {
			if (mode === 'slow') await new Promise((r) => setTimeout(r, SLOW_MS));
			answer = { status: 200, body: { status: 'handled' } };
			this.handled(payload);
		}
		event.answer = answer === 'drop' ? 'connection dropped' : `${answer.status} ${JSON.stringify(answer.body)}`;
		this.changed();
		return answer;
	}

	/** What RapidPro does with a handled event: the agent's message goes to the contact, a close closes the ticket. */
	handled(payload) {
		const ticket = this.tickets.find((t) => t.ticketID === payload?.ticketId);
		if (!ticket) return;
		if (payload.type === 'agent-message') ticket.messages.push({ from: 'agent', text: payload.data?.text || '', attachments: payload.data?.attachments || [], at: new Date().toISOString() });
		if (payload.type === 'close-room') ticket.open = false;
	}
}
