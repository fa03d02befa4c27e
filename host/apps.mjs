// @ts-check
// Installing, updating and describing apps through the AppManager, shared by
// POST /api/apps (rc-apps deploy) and the CLI. When an app fails to load or
// enable, `appError()` digs out the app's own error from the engine's logs.
import { AppStatusUtils } from './bridges/engine.mjs';
import { appCallErrors } from './runtime.mjs';

/** The JSON Rocket.Chat answers for an app (GET /api/apps/<id>, list, install). */
export async function appJson(app) {
	const info = app.getInfo();
	const item = app.getStorageItem();
	return {
		...info,
		status: await app.getStatus(),
		languages: Object.keys(item.languageContent || {}),
		private: item.installationSource !== 'marketplace',
		installed: true,
		permissionsGranted: item.permissionsGranted,
		createdDate: item.createdAt,
		modifiedDate: item.updatedAt,
	};
}

/**
 * Installs the zip, or updates the app when an app with its id exists.
 * @returns {Promise<{ app: any, created: boolean, error?: string }>}
 */
export async function installApp(manager, logStorage, zip, { permissionsGranted, user } = {}) {
	const info = await manager.getParser().unpackageApp(zip).then((r) => r.info);
	const exists = !!manager.getOneById(info.id);
	const since = logStorage.entries.length;
	appCallErrors.delete(info.id);
	const aff = exists
		? await manager.update(zip, permissionsGranted, { loadApp: true, user })
		: await manager.add(zip, { enable: true, permissionsGranted, user });
	const problems = [aff.getStorageError?.(), aff.getAppUserError?.()?.message, ...Object.values(aff.getCompilerErrors?.() || {})].filter(Boolean);
	if (problems.length) return { app: undefined, created: !exists, error: problems.join('; ') };
	const app = manager.getOneById(info.id);
	const status = await app.getStatus();
	if (!AppStatusUtils.isEnabled(status)) {
		return { app, created: !exists, error: `the app is ${status}: ${appError(logStorage, info.id, since) || 'no error was logged'}` };
	}
	const thrown = lifecycleError(info.id);
	if (thrown) return { app, created: !exists, error: `the app is ${status} but threw in ${thrown}` };
	return { app, created: !exists };
}

/** What the app threw in initialize/onEnable/… (the engine swallows it), or ''. */
export function lifecycleError(appId) {
	const list = (appCallErrors.get(appId) || []).filter((e) => !/app:(getStatus|setStatus)$/.test(e.method));
	return list.map((e) => `${e.method}: ${e.message}`).join('; ');
}

/** The latest error the app logged since log entry `since` (its constructor, initialize, onEnable…). */
export function appError(logStorage, appId, since = 0) {
	const errors = logStorage.entries
		.slice(since)
		.filter((e) => e.appId === appId)
		.flatMap((e) => (e.entries || []).filter((x) => x.severity === 'error').map((x) => ({ method: e.method, args: x.args })));
	const last = errors[errors.length - 1];
	if (!last) return '';
	const text = (Array.isArray(last.args) ? last.args : [last.args]).map((a) => (typeof a === 'string' ? a : a?.message || a?.msg || JSON.stringify(a))).join(' ');
	return `${last.method}: ${text}`;
}
