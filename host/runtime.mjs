// @ts-check
// How the host runs the apps-engine Deno runtime (1.62.0, or 1.53.1: see bridges/engine.mjs) offline.
// - The runtime spawns `deno` from PATH: the npm package `deno` ships the
//   binary in node_modules/@deno/linux-x64-glibc; we put that folder first.
// - It reads DENO_DIR from the environment: ours is .deno-cache/ at the repo
//   root, filled by `npm install` (host/setup.mjs), so --cached-only works.
// - Its --config is fixed to the package's deno-runtime/deno.jsonc, which
//   cannot work here (jsr imports, a ../src/ path the npm package lacks).
//   AppRuntimeManager takes a runtime factory; we swap in one that builds the
//   stock DenoRuntimeSubprocessController and points its config at
//   host/deno/deno.jsonc (deno-1.53.1.jsonc for that runtime). The controller derives --allow-read from the config
//   path, so the runtime may read host/deno, the repo root and the temp dir.
import childProcess from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ENGINE, ENGINE_VERSION, ENGINES, require } from './bridges/engine.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Our deno config for a runtime version (the default runtime's is plain deno.jsonc). */
export const denoConfigFor = (version) => path.join(ROOT, 'host', 'deno', version === '1.62.0' ? 'deno.jsonc' : `deno-${version}.jsonc`);
export const DENO_CONFIG = denoConfigFor(ENGINE_VERSION);
export const DENO_DIR = process.env.DENO_DIR || path.join(ROOT, '.deno-cache');
export const ENGINE_DIR = path.dirname(require.resolve(`${ENGINE}/package.json`));
export const RUNTIME_MAIN = path.join(ENGINE_DIR, 'deno-runtime', 'main.ts');
/** Every installed runtime's main.ts with its config, for setup.mjs to cache. */
export const RUNTIMES = Object.entries(ENGINES).map(([version, pkg]) => ({
	version,
	main: path.join(path.dirname(require.resolve(`${pkg}/package.json`)), 'deno-runtime', 'main.ts'),
	config: denoConfigFor(version),
}));

/** The folder holding the deno binary, or undefined when it is not installed. */
export function denoBinDir() {
	for (const pkg of ['@deno/linux-x64-glibc', '@deno/linux-arm64-glibc', '@deno/darwin-arm64', '@deno/darwin-x64']) {
		try {
			const dir = path.dirname(require.resolve(`${pkg}/package.json`));
			if (fs.existsSync(path.join(dir, 'deno'))) return dir;
		} catch {
			// not this platform
		}
	}
	return undefined;
}

/** Throws a one-line reason when the runtime cannot start; sets PATH and DENO_DIR. */
export function prepareDenoEnvironment() {
	const bin = denoBinDir();
	if (!bin) throw new Error('Deno runtime missing (node_modules/deno): run npm install');
	if (!fs.existsSync(path.join(DENO_DIR, 'npm'))) throw new Error(`Deno runtime not cached in ${DENO_DIR}: run npm install`);
	if (!process.env.PATH?.split(path.delimiter).includes(bin)) process.env.PATH = `${bin}${path.delimiter}${process.env.PATH}`;
	process.env.DENO_DIR = DENO_DIR;
	return { bin, denoDir: DENO_DIR };
}

/**
 * Errors the app threw in its lifecycle methods (app:initialize, app:onEnable…),
 * by app id. The engine (like Rocket.Chat) swallows them and may even report
 * the app enabled; the host shows them so a broken app fails loudly.
 * @type {Map<string, {method: string, message: string}[]>}
 */
export const appCallErrors = new Map();

/** The runtime controllers the host made, by manager: shutdown stops them (stopRuntimes). */
const controllers = new WeakMap();

/** Makes the manager's runtimes use our deno config (see the file comment), and records lifecycle errors. */
export function useHostDenoConfig(manager) {
	const { DenoRuntimeSubprocessController } = require(`${ENGINE}/server/runtime/deno/AppsEngineDenoRuntime`);
	const made = new Set();
	controllers.set(manager, made);
	manager.getRuntime().runtimeFactory = (mgr, appPackage, storageItem) => {
		const controller = new DenoRuntimeSubprocessController(mgr, appPackage, storageItem);
		if ('denoConfigPath' in controller) controller.denoConfigPath = DENO_CONFIG;
		else runThroughOurConfig(controller);
		/** Rejecters of the calls waiting on this runtime, so a shutdown can end them (see stopRuntimes). */
		const waiting = new Set();
		controller.__hostAbort = (reason) => {
			for (const reject of waiting) reject(reason);
			waiting.clear();
		};
		const send = controller.sendRequest.bind(controller);
		controller.sendRequest = async (message, ...rest) => {
			let stop = () => {};
			const stopped = new Promise((_, reject) => (stop = reject));
			waiting.add(stop);
			try {
				return await Promise.race([send(message, ...rest), stopped]);
			} catch (e) {
				if (/^app:/.test(message.method)) {
					const list = appCallErrors.get(appPackage.info.id) || [];
					list.push({ method: message.method, message: /** @type {any} */ (e)?.message || String(e) });
					appCallErrors.set(appPackage.info.id, list.slice(-20));
				}
				throw e;
			} finally {
				waiting.delete(stop);
			}
		};
		// A signal sent to the whole process group (Ctrl-C in a terminal, systemd) kills the runtime
		// beside the host; the engine's liveness manager would start a new one and the shutdown would
		// wait on it. Once the host stops, a restart or a new subprocess is refused.
		const restart = controller.restartApp.bind(controller);
		controller.restartApp = async () => (controller.__hostStopping ? undefined : restart());
		const spawn = controller.spawnProcess.bind(controller);
		controller.spawnProcess = () => {
			if (controller.__hostStopping) throw new Error('the host is shutting down');
			return spawn();
		};
		controller.on('processExit', () => {
			if (controller.__hostStopping) controller.__hostAbort(new Error('the app\'s runtime exited while the host shut down'));
		});
		made.add(controller);
		return controller;
	};
}

/**
 * apps-engine 1.53.1 has no config path to swap: it runs
 * `deno run --allow-read=… --allow-env=… <package>/deno-runtime/main.ts …`
 * and lets Deno find the shipped deno.jsonc beside main.ts. Deno 2 refuses
 * that script inside node_modules (Rocket.Chat 7.8 ran Deno 1.43) and the
 * shipped config needs the network. So, for the one synchronous spawn call in
 * its spawnProcess, the arguments are rewritten: main.ts through the symlink
 * setup.mjs made (.deno-cache/deno-runtime-<version>), our config,
 * --cached-only, and --allow-read as 1.62.0 gets it under our config.
 */
function runThroughOurConfig(controller) {
	const spawnProcess = controller.spawnProcess.bind(controller);
	const main = path.join(ROOT, '.deno-cache', `deno-runtime-${ENGINE_VERSION}`, 'main.ts');
	controller.spawnProcess = () => {
		const spawn = childProcess.spawn;
		childProcess.spawn = /** @type {any} */ ((command, args, options) => {
			const at = args.findIndex((a) => a.endsWith(`${path.sep}deno-runtime${path.sep}main.ts`));
			const rewritten = args.map((a) => (a.startsWith('--allow-read=') ? `--allow-read=${[path.dirname(DENO_CONFIG), ROOT, os.tmpdir()].join(',')}` : a));
			rewritten.splice(at, 1, '--cached-only', `--config=${DENO_CONFIG}`, main);
			return spawn(command, rewritten, options);
		});
		try {
			return spawnProcess();
		} finally {
			childProcess.spawn = spawn;
		}
	};
}

/**
 * Shutdown, part one (synchronous, so it runs before any exit of a runtime killed by the same
 * signal is handled): no runtime is restarted or spawned any more, and calls waiting on a runtime
 * that is already gone end now instead of after the engine's 30 s call timeout. Live runtimes
 * keep answering, so requests in flight can finish.
 */
export function holdRuntimes(manager) {
	for (const controller of controllers.get(manager) || []) {
		controller.__hostStopping = true;
		// 'stopped' is the state in which the liveness manager lets an exit be (LivenessManager.handleExit).
		controller.state = 'stopped';
		controller.livenessManager?.stop?.(); // 1.53.1 has none
		const child = controller.deno;
		if (!child || child.exitCode !== null || child.signalCode !== null) controller.__hostAbort(new Error('the app\'s runtime is gone'));
	}
}

/**
 * Shutdown, part two: ends every call still waiting and kills each runtime (SIGKILL, as the
 * engine's own stopApp does). The apps are not disabled: a server that stops is not an admin
 * disabling an app, and the next start enables them as stored.
 */
export async function stopRuntimes(manager) {
	holdRuntimes(manager);
	await Promise.all(
		[...(controllers.get(manager) || [])].map(async (controller) => {
			controller.__hostAbort(new Error('the host shut down'));
			await controller.killProcess().catch(() => false);
		}),
	);
}
