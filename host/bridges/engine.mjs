// @ts-check
// The apps-engine *server runtime* as CommonJS modules. Every host file takes
// the engine from here, so there is one place that names the package.
// Two runtimes are installed under npm aliases (npm serves none newer with a
// runtime, nor Rocket.Chat 7.0-7.7's 1.47-1.52): 1.62.0, an 8.x runtime (8.2
// ships 1.60.0, 8.5 ships 1.63.0; the default), and 1.53.1, what Rocket.Chat
// 7.8 ships.
// HOST_APPS_ENGINE=1.53.1 runs the host on the 7.x one.
import { createRequire } from 'node:module';

export const require = createRequire(import.meta.url);
/** Runtime version → the npm alias it is installed under. */
export const ENGINES = { '1.62.0': '@rocket.chat/apps-engine-server', '1.53.1': '@rocket.chat/apps-engine-server-7' };
const wanted = process.env.HOST_APPS_ENGINE || '1.62.0';
if (!Object.hasOwn(ENGINES, wanted)) throw new Error(`HOST_APPS_ENGINE=${wanted}: the host runs apps-engine ${Object.keys(ENGINES).join(' or ')}`);
export const ENGINE = ENGINES[wanted];
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
