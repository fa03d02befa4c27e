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
