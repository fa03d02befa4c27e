// @ts-check
// The apps-engine *server runtime* (1.62.0, installed under the npm alias
// @rocket.chat/apps-engine-server) as CommonJS modules. Every host file takes
// the engine from here, so there is one place that names the package.
import { createRequire } from 'node:module';

export const require = createRequire(import.meta.url);
export const ENGINE = '@rocket.chat/apps-engine-server';
export const bridges = require(`${ENGINE}/server/bridges`);
export const { AppManager } = require(`${ENGINE}/server/AppManager`);
export const { AppStatus, AppStatusUtils } = require(`${ENGINE}/definition/AppStatus`);

/** Thrown by every bridge method the host does not implement. */
export function unsupported(method) {
	return new Error(`${method} is not supported by the development host`);
}

/** The runtime's version, e.g. "1.62.0". */
export const ENGINE_VERSION = require(`${ENGINE}/package.json`).version;

/** Whether the runtime is at least `version` (plain x.y.z comparison). */
export function engineAtLeast(version) {
	const a = ENGINE_VERSION.split(/[.-]/).slice(0, 3).map(Number);
	const b = version.split('.').map(Number);
	for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] > b[i];
	return true;
}

/**
 * Rocket.Chat changes that came with an apps-engine release, so the host
 * behaves like the Rocket.Chat release that ships the runtime it runs.
 * - messageFiles: apps-engine 1.60.0 (Rocket.Chat 8.2, RocketChat/Rocket.Chat#38099)
 *   maps a message's `files` to the app (thumbnails marked `typeGroup: 'thumb'`)
 *   and links each file attachment to its file (`fileId`); before it, `files`
 *   only reached apps inside `_unmappedProperties_`, unmarked.
 */
export const RC_FEATURES = { messageFiles: engineAtLeast('1.60.0') };
