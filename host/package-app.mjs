// @ts-check
// `npm run package [-- --force]`: builds dist/<nameSlug>_<version>.zip from the
// app's own files only. rc-apps compiles every .ts in its folder and zips
// every file with an extension (host/, test/, package-lock.json…), so we stage
// the app into .build/app (dot-named: a root `rc-apps package` ignores it),
// link node_modules in (rc-apps loads apps-engine from <app>/node_modules),
// package there, and copy the zip to dist/. The repo's app.json is never
// touched (rc-apps rewrites the staged copy). Skips when the zip is newer than
// every source unless --force.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from './runtime.mjs';

/** What belongs to the app; everything else stays out of the zip. */
export const APP_ENTRIES = ['app.json', 'TicketsApp.ts', 'icon.png', 'package.json', 'tsconfig.json', 'endpoints', 'handlers', 'lib', 'settings', 'i18n'];
const STAGE = path.join(ROOT, '.build', 'app');

export function zipPath() {
	const app = JSON.parse(fs.readFileSync(path.join(ROOT, 'app.json'), 'utf8'));
	return path.join(ROOT, 'dist', `${app.nameSlug}_${app.version}.zip`);
}

function newestSource() {
	let newest = 0;
	const visit = (p) => {
		const st = fs.statSync(p);
		if (st.isDirectory()) for (const e of fs.readdirSync(p)) visit(path.join(p, e));
		else newest = Math.max(newest, st.mtimeMs);
	};
	for (const e of APP_ENTRIES) if (fs.existsSync(path.join(ROOT, e))) visit(path.join(ROOT, e));
	return newest;
}

export function isStale() {
	const zip = zipPath();
	return !fs.existsSync(zip) || fs.statSync(zip).mtimeMs < newestSource();
}

const LOCK = path.join(ROOT, '.build', 'package.lock');

/**
 * Runs `fn` holding a lock folder: every packaging run (npm start, npm run
 * package, e2e tests and benches in parallel) shares the one staging folder,
 * and two rc-apps runs in it corrupt each other's build.
 */
function withLock(fn) {
	fs.mkdirSync(path.dirname(LOCK), { recursive: true });
	const deadline = Date.now() + 180000;
	for (;;) {
		try {
			fs.mkdirSync(LOCK);
			break;
		} catch {
			if (Date.now() > deadline) throw new Error(`${LOCK} held for 3 minutes: remove it if no packaging runs`);
			Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 250);
		}
	}
	try {
		return fn();
	} finally {
		fs.rmSync(LOCK, { recursive: true, force: true });
	}
}

/** @returns {{ zip: string, built: boolean, warnings: string[] }} */
export function packageApp({ force = false, log = console.log } = {}) {
	return withLock(() => build({ force, log }));
}

function build({ force, log }) {
	const zip = zipPath();
	if (!force && !isStale()) return { zip, built: false, warnings: [] };
	fs.rmSync(STAGE, { recursive: true, force: true });
	fs.mkdirSync(STAGE, { recursive: true });
	for (const e of APP_ENTRIES) {
		const from = path.join(ROOT, e);
		if (fs.existsSync(from)) fs.cpSync(from, path.join(STAGE, e), { recursive: true });
	}
	fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(STAGE, 'node_modules'), 'dir');
	const result = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'rc-apps'), ['package', '--no-color'], {
		cwd: STAGE,
		encoding: 'utf8',
		env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
	});
	const output = `${result.stdout || ''}${result.stderr || ''}`.replace(/\x1b\[[0-9;]*m/g, '');
	const built = path.join(STAGE, 'dist', path.basename(zip));
	if (result.status !== 0 || !fs.existsSync(built)) {
		throw new Error(`rc-apps package failed (exit ${result.status}):\n${output.trim()}`);
	}
	const warnings = output.split('\n').filter((l) => /warn|error|TS\d{3,}/i.test(l));
	fs.mkdirSync(path.dirname(zip), { recursive: true });
	fs.copyFileSync(built, zip);
	log(`packaged ${path.relative(ROOT, zip)}`);
	for (const w of warnings) log(`  ${w.trim()}`);
	return { zip, built: true, warnings };
}

if (import.meta.url === pathToFileURL(process.argv[1] || '').href) {
	try {
		const { built, zip } = packageApp({ force: process.argv.includes('--force') });
		if (!built) console.log(`${path.relative(ROOT, zip)} is up to date (use --force to rebuild)`);
	} catch (e) {
		console.error(/** @type {any} */ (e).message);
		process.exit(1);
	}
}
