// @ts-check
// App logs: printed to stdout as `[app <name>] LEVEL method: message`, one
// line per entry, and kept in memory (last N entries, every level) so tests can
// read them (server.logs). Printed by default: info and above. Debug entries
// (the engine logs every call it makes into the app at debug level, request
// bodies included, and would drown the app's own lines) only with HOST_DEBUG=1.
import { ENGINE, require } from '../bridges/engine.mjs';
import { inspect } from 'node:util';

const { AppLogStorage } = require(`${ENGINE}/server/storage`);

const KEEP = 2000;

export class HostLogStorage extends AppLogStorage {
	/** @param {{ print?: (line: string) => void, appName?: (appId: string) => string }} opts */
	constructor({ print = (line) => process.stdout.write(line + '\n'), appName = (id) => id } = {}) {
		super('memory');
		this.print = print;
		this.appName = appName;
		/** @type {any[]} */
		this.entries = [];
	}

	async storeEntries(logEntry) {
		for (const entry of logEntry.entries || []) entry.args = redact(entry.args);
		this.entries.push(logEntry);
		if (this.entries.length > KEEP) this.entries.splice(0, this.entries.length - KEEP);
		for (const entry of logEntry.entries || []) {
			if (entry.severity === 'debug' && !process.env.HOST_DEBUG) continue;
			const args = Array.isArray(entry.args) ? entry.args : [entry.args];
			const text = args.map((a) => (typeof a === 'string' ? a : inspect(a, { depth: 6, breakLength: Infinity }))).join(' ').replace(/\s*\n\s*/g, ' ');
			const where = logEntry.instanceId ? ` @${logEntry.instanceId}` : '';
			this.print(`[app ${this.appName(logEntry.appId)}${where}] ${String(entry.severity || 'log').toUpperCase()} ${logEntry.method}: ${text}`);
		}
		return logEntry;
	}

	/**
	 * This storage as one cluster instance's engine sees it: the entries it stores carry
	 * `instanceId` (Rocket.Chat's app logs record the instance too), printed as `[app Tickets @2]`.
	 * @param {number} instanceId
	 */
	forInstance(instanceId) {
		return new Proxy(this, {
			get: (target, prop) => {
				if (prop === 'storeEntries') return (logEntry) => target.storeEntries({ ...logEntry, instanceId });
				const value = Reflect.get(target, prop);
				return typeof value === 'function' ? value.bind(target) : value;
			},
		});
	}

	/** Flat list of {appId, method, severity, args, timestamp}: handy in tests. */
	flat() {
		return this.entries.flatMap((e) => (e.entries || []).map((x) => ({ appId: e.appId, method: e.method, ...x })));
	}

	async getEntriesFor(appId) {
		return this.entries.filter((e) => e.appId === appId);
	}

	async findPaginated(query, { skip = 0, limit = 50 } = {}) {
		const logs = this.entries.filter((e) => !query.appId || e.appId === query.appId);
		return { logs: logs.slice(skip, skip + limit), total: logs.length };
	}

	/** apps-engine 1.53.1's name for findPaginated (HOST_APPS_ENGINE). */
	find(query, options) {
		return this.findPaginated(query, options);
	}

	async removeEntriesFor(appId) {
		this.entries = this.entries.filter((e) => e.appId !== appId);
	}
}

/**
 * The runtime logs every endpoint request it hands to the app, headers
 * included, so `Authorization: Token <App Secret>` would reach the app's logs
 * on every call. Rocket.Chat redacts these before storing app logs
 * (AppRealLogStorage, since RocketChat/Rocket.Chat#40096); so does the host, by
 * key name at any depth.
 */
const SECRET_KEYS = /^(authorization|cookie|x-auth-token|access_token)$/i;

function redact(value, depth = 0) {
	if (!value || typeof value !== 'object' || depth > 20) return value;
	if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
	return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET_KEYS.test(k) && v !== undefined ? '[REDACTED]' : redact(v, depth + 1)]));
}
