// @ts-check
// HOST-ONLY: the browser page at the root URL (agent console, Administration › Apps, RapidPro
// simulator; host/web/). Rocket.Chat serves its own web client there; this page talks to the host
// only through Rocket.Chat's REST paths (plus the simulator's /api/host/simulator/*). Its libraries
// (preact, htm) are served from the installed packages: no CDN, no build step.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Reply } from '../router.mjs';

const WEB_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web');
const require = createRequire(import.meta.url);
/** The only packages the page may load, and the folder of each. */
const VENDOR = Object.fromEntries(['preact', 'htm'].map((name) => [name, packageDir(name)]));

/** A package's folder (their `exports` hide package.json): up from its main file to `node_modules/<name>`. */
function packageDir(name) {
	let dir = path.dirname(require.resolve(name));
	while (path.basename(dir) !== name && path.dirname(dir) !== dir) dir = path.dirname(dir);
	return dir;
}
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml', '.png': 'image/png', '.map': 'application/json' };

const notFound = () => new Reply(404, 'Not Found', { 'content-type': 'text/plain; charset=utf-8' });

/** A file inside `root` (never outside it, whatever `rel` says), or a 404. */
function serveFile(root, rel) {
	let file;
	try {
		file = path.resolve(root, decodeURIComponent(rel));
	} catch {
		return notFound(); // malformed %-encoding
	}
	if (!file.startsWith(root + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) return notFound();
	return new Reply(200, fs.readFileSync(file), { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream', 'cache-control': 'no-cache' });
}

export function registerWeb(router) {
	router.on('GET', /^\/$/, async () => serveFile(WEB_DIR, 'index.html'));
	router.on('GET', /^\/web\/vendor\/(?<pkg>[a-z]+)\/(?<rel>.+)$/, async ({ params }) => (VENDOR[params.pkg] ? serveFile(VENDOR[params.pkg], params.rel) : notFound()));
	router.on('GET', /^\/web\/(?<rel>[\w./-]+)$/, async ({ params }) => serveFile(WEB_DIR, params.rel));
}
