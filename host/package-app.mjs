// @ts-check
// `npm run package [-- --force]`: builds dist/<nameSlug>_<version>.zip from the
// app's own files only. rc-apps compiles every .ts in its folder and zips
// every file with an extension (host/, test/, package-lock.json…), so we stage
// the app into .build/app (dot-named: a root `rc-apps package` ignores it),
// link node_modules in (rc-apps loads apps-engine from <app>/node_modules),
// package there, and copy the zip to dist/. The repo's app.json is never
// touched (rc-apps rewrites the staged copy). `npm run deploy` (deploy.mjs)
// runs `rc-apps deploy` in the same staging folder.
// A zip is reused only when it is the one this script built (its hash is
// recorded in .build/package-stamp.json) from the sources as they are now (a
// hash of every app file): a root `rc-apps package`/`deploy` writes the same
// dist/ path with the whole repository in it, and must never be handed out.
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
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

/** What the zip is built from: every app file (path and bytes) and the packaging tools' versions. */
function sourceDigest() {
	const hash = crypto.createHash('sha256');
	const visit = (p) => {
		if (fs.statSync(p).isDirectory()) {
			for (const e of fs.readdirSync(p).sort()) visit(path.join(p, e));
			return;
		}
		hash.update(`${path.relative(ROOT, p)}\0`);
		hash.update(fs.readFileSync(p));
		hash.update('\0');
	};
	for (const e of APP_ENTRIES) if (fs.existsSync(path.join(ROOT, e))) visit(path.join(ROOT, e));
	for (const tool of ['@rocket.chat/apps-cli', '@rocket.chat/apps-engine', 'typescript']) {
		hash.update(`${tool}@${JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', tool, 'package.json'), 'utf8')).version}\0`);
	}
	return hash.digest('hex');
}

const fileDigest = (file) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
const STAMP = path.join(ROOT, '.build', 'package-stamp.json');

/** Records that `zip` was built (by us, in the staging folder) from the sources whose digest is `sources`. */
export function recordBuilt(zip, sources) {
	fs.mkdirSync(path.dirname(STAMP), { recursive: true });
	fs.writeFileSync(STAMP, JSON.stringify({ zip: fileDigest(zip), sources }) + '\n');
}

/** True unless dist/ holds the zip we built from the sources as they are now. */
export function isStale() {
	const zip = zipPath();
	if (!fs.existsSync(zip) || !fs.existsSync(STAMP)) return true;
	try {
		const stamp = JSON.parse(fs.readFileSync(STAMP, 'utf8'));
		return stamp.zip !== fileDigest(zip) || stamp.sources !== sourceDigest();
	} catch {
		return true;
	}
}

const LOCK = path.join(ROOT, '.build', 'package.lock');

/**
 * Runs `fn` holding a lock folder: every packaging run (npm start, npm run
 * package, npm run deploy, e2e tests and benches in parallel) shares the one
 * staging folder, and two rc-apps runs in it corrupt each other's build. The
 * folder names its holder's pid, so a lock left by a killed run (Ctrl-C during
 * a deploy) is taken over.
 */
export function withLock(fn) {
	// Held by this call stack already (everything here is synchronous): a nested run shares it.
	if (lockDepth > 0) {
		lockDepth += 1;
		try {
			return fn();
		} finally {
			lockDepth -= 1;
		}
	}
	fs.mkdirSync(path.dirname(LOCK), { recursive: true });
	const deadline = Date.now() + 180000;
	for (;;) {
		try {
			fs.mkdirSync(LOCK);
			fs.writeFileSync(path.join(LOCK, 'pid'), String(process.pid));
			break;
		} catch {
			if (!holderAlive()) {
				fs.rmSync(LOCK, { recursive: true, force: true });
				continue;
			}
			if (Date.now() > deadline) throw new Error(`${LOCK} held for 3 minutes: remove it if no packaging runs`);
			Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 250);
		}
	}
	lockDepth = 1;
	try {
		return fn();
	} finally {
		lockDepth = 0;
		fs.rmSync(LOCK, { recursive: true, force: true });
	}
}
let lockDepth = 0;

function holderAlive() {
	let pid;
	try {
		pid = Number(fs.readFileSync(path.join(LOCK, 'pid'), 'utf8'));
	} catch {
		return true; // just created, pid not written yet (or an old-style lock): wait for it
	}
	try {
		process.kill(pid, 0);
		return true;
	} catch (e) {
		return /** @type {any} */ (e).code !== 'ESRCH';
	}
}

/**
 * A fresh copy of only the app's files in .build/app, node_modules linked in. Call inside withLock.
 * @returns {{ dir: string, sources: string }} the folder, and the digest of the sources copied
 */
export function stageApp() {
	const sources = sourceDigest();
	fs.rmSync(STAGE, { recursive: true, force: true });
	fs.mkdirSync(STAGE, { recursive: true });
	for (const e of APP_ENTRIES) {
		const from = path.join(ROOT, e);
		if (fs.existsSync(from)) fs.cpSync(from, path.join(STAGE, e), { recursive: true });
	}
	fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(STAGE, 'node_modules'), 'dir');
	return { dir: STAGE, sources };
}

export const RC_APPS = path.join(ROOT, 'node_modules', '.bin', 'rc-apps');

/** @returns {{ zip: string, built: boolean, warnings: string[] }} */
export function packageApp({ force = false, log = console.log } = {}) {
	return withLock(() => build({ force, log }));
}

function build({ force, log }) {
	const zip = zipPath();
	if (!force && !isStale()) return { zip, built: false, warnings: [] };
	const { sources } = stageApp();
	const result = spawnSync(RC_APPS, ['package', '--no-color'], {
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
	recordBuilt(zip, sources);
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
