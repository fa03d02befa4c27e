// @ts-check
// `npm install` runs this (postinstall): caches the Deno runtime of
// apps-engine 1.62.0 with our config (host/deno/deno.jsonc) into .deno-cache/,
// while the npm registry is reachable, so `npm start` and CI run with
// --cached-only and never need the network. Safe to run again.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { DENO_CONFIG, DENO_DIR, RUNTIME_MAIN, ROOT, denoBinDir } from './runtime.mjs';

const bin = denoBinDir();
if (!bin) {
	console.error('host/setup: the deno binary is missing (npm package "deno"); the development host will not run.');
	process.exit(1);
}
if (!fs.existsSync(RUNTIME_MAIN)) {
	console.error(`host/setup: ${RUNTIME_MAIN} is missing: is @rocket.chat/apps-engine-server (apps-engine 1.62.0) installed?`);
	process.exit(1);
}
// Deno 2 refuses to run scripts inside node_modules; the runtime runs main.ts
// through a symlink in its temp folder, so cache through a symlink too.
const link = path.join(ROOT, '.deno-cache', 'deno-runtime');
fs.mkdirSync(path.dirname(link), { recursive: true });
fs.rmSync(link, { force: true });
fs.symlinkSync(path.dirname(RUNTIME_MAIN), link, 'dir');

const result = spawnSync(path.join(bin, 'deno'), ['cache', `--config=${DENO_CONFIG}`, path.join(link, 'main.ts')], {
	env: { ...process.env, DENO_DIR, NO_COLOR: '1' },
	stdio: 'inherit',
});
if (result.status !== 0) {
	console.error('host/setup: caching the Deno runtime failed (see above); the development host will not start.');
	process.exit(result.status || 1);
}
console.log(`host/setup: Deno runtime cached in ${path.relative(ROOT, DENO_DIR)}/`);
