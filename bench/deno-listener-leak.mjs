// `node bench/deno-listener-leak.mjs`: why the app's Deno runtime grows under load (docs/robustness.md › Memory).
// The Apps-Engine runtime (deno-runtime/lib/messenger.ts sendRequest, 1.62.0 and Rocket.Chat's develop)
// waits for each bridge call's answer by adding a listener for a fresh event type, `response:<random id>`,
// on one EventTarget, and removes it when the answer comes. Deno's EventTarget keeps an (empty) entry
// for every event type it has seen, so each call leaves one behind. This script does the same with no
// app and no engine: the same number of calls on one event type leaves nothing; on fresh types, the
// heap grows by about 135 bytes a call. Run by Node, it runs itself in the project's Deno.
/* global Deno */
const CALLS = 200000;

if (typeof Deno === 'undefined') {
	const { spawnSync } = await import('node:child_process');
	const path = await import('node:path');
	const { fileURLToPath } = await import('node:url');
	const { denoBinDir } = await import('../host/runtime.mjs');
	const bin = denoBinDir();
	if (!bin) throw new Error('Deno is not installed (node_modules/deno): run npm install');
	const self = fileURLToPath(import.meta.url);
	const run = spawnSync(path.join(bin, 'deno'), ['run', '--v8-flags=--expose-gc', self], { stdio: 'inherit' });
	process.exit(run.status ?? 1);
} else {
	const target = new EventTarget();
	const heapMb = () => {
		globalThis.gc();
		globalThis.gc();
		return Deno.memoryUsage().heapUsed / 1e6;
	};
	/** What sendRequest does per call: listen for the answer, get it, stop listening. */
	const calls = (fresh) => {
		for (let i = 0; i < CALLS; i++) {
			const type = fresh ? `response:${Math.random().toString(36).slice(2)}` : 'response:one';
			const handler = () => target.removeEventListener(type, handler);
			target.addEventListener(type, handler);
			target.dispatchEvent(new CustomEvent(type, { detail: i }));
		}
	};
	const start = heapMb();
	calls(false);
	const oneType = heapMb();
	calls(true);
	const freshTypes = heapMb();
	console.log(`Deno ${Deno.version.deno} (V8 ${Deno.version.v8}), live heap after a full GC:`);
	console.log(`  at the start                                   ${start.toFixed(1)} MB`);
	console.log(`  after ${CALLS} calls on one event type       ${oneType.toFixed(1)} MB`);
	console.log(`  after ${CALLS} more, each on a fresh type    ${freshTypes.toFixed(1)} MB (${Math.round(((freshTypes - oneType) * 1e6) / CALLS)} bytes a call)`);
}
