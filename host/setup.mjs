// @ts-check
// `npm install` runs this (postinstall): caches the Deno runtime of each
// installed apps-engine (1.62.0, 1.53.1) with our config (host/deno/) into .deno-cache/,
// while the npm registry is reachable, so `npm start` and CI run with
// --cached-only and never need the network. Safe to run again.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { DENO_DIR, ROOT, RUNTIMES, denoBinDir } from './runtime.mjs';

const bin = denoBinDir();
if (!bin) {
	console.error('host/setup: the deno binary is missing (npm package "deno"); the development host will not run.');
	process.exit(1);
}
for (const { version, main, config } of RUNTIMES) {
	if (!fs.existsSync(main)) {
		console.error(`host/setup: ${main} is missing: is apps-engine ${version} (an npm alias in package.json) installed?`);
		process.exit(1);
	}
	// Deno 2 refuses to run scripts inside node_modules; the runtime runs main.ts
	// through a symlink in its temp folder, so cache through a symlink too.
	const link = path.join(ROOT, '.deno-cache', `deno-runtime-${version}`);
	fs.mkdirSync(path.dirname(link), { recursive: true });
	fs.rmSync(link, { force: true });
	fs.symlinkSync(path.dirname(main), link, 'dir');

	const result = spawnSync(path.join(bin, 'deno'), ['cache', `--config=${config}`, path.join(link, 'main.ts')], {
		env: { ...process.env, DENO_DIR, NO_COLOR: '1' },
		stdio: 'inherit',
	});
	if (result.status !== 0) {
		console.error(`host/setup: caching the Deno runtime of apps-engine ${version} failed (see above); the development host will not start.`);
		process.exit(result.status || 1);
	}
}
console.log(`host/setup: Deno runtimes (apps-engine ${RUNTIMES.map((r) => r.version).join(', ')}) cached in ${path.relative(ROOT, DENO_DIR)}/`);
