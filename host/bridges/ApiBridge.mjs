// @ts-check
// Endpoints the app registers; the HTTP layer looks them up here to route
// /api/apps/public/<app id>/<path> to manager.getApiManager().executeApi().
import { bridges } from './engine.mjs';

export class HostApiBridge extends bridges.ApiBridge {
	constructor() {
		super();
		/** @type {Map<string, Map<string, any>>} app id → endpoint path → AppApi */
		this.apis = new Map();
	}

	async registerApi(api, appId) {
		if (!this.apis.has(appId)) this.apis.set(appId, new Map());
		this.apis.get(appId).set(api.endpoint.path, api);
	}

	async unregisterApis(appId) {
		this.apis.delete(appId);
	}

	/**
	 * Finds the endpoint for a request path ("room" or "items/42" for a path
	 * declared as "items/:id"), returning its registered path and params. Like
	 * the app's express.Router in Rocket.Chat (api.ts registerApi, 7.x/8.x): the
	 * literal parts match case-insensitively and a trailing slash is optional.
	 */
	match(appId, requestPath) {
		const endpoints = this.apis.get(appId);
		if (!endpoints) return undefined;
		const parts = requestPath.split('/').filter(Boolean);
		for (const [path] of endpoints) {
			const pattern = path.split('/').filter(Boolean);
			if (pattern.length !== parts.length) continue;
			const params = {};
			const ok = pattern.every((p, i) => (p.startsWith(':') ? ((params[p.slice(1)] = decodeURIComponent(parts[i])), true) : p.toLowerCase() === parts[i].toLowerCase()));
			if (ok) return { path, params };
		}
		return undefined;
	}
}
