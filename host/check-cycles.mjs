// @ts-check
// `npm run lint` step: fails on a circular import between the app's modules,
// and on an import that runs back up the layers (endpoints and handlers → lib →
// settings: lib never imports an endpoint or a handler, settings nothing above it).
// rc-apps' compiler evaluates the compiled app with its own `require`, which
// has no cache for modules still loading, so a cycle that Node or Deno would
// tolerate makes `rc-apps package` die with "Maximum call stack size exceeded".
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './runtime.mjs';

const roots = ['TicketsApp.ts', 'endpoints', 'handlers', 'lib', 'settings'];
/** @type {Record<string, string[]>} every runtime import, by file */
const graph = {};
/** @type {Record<string, string[]>} every import, types included, by file */
const layers = {};
const visit = (p) => {
	if (fs.statSync(p).isDirectory()) return fs.readdirSync(p).forEach((e) => visit(path.join(p, e)));
	if (!p.endsWith('.ts')) return;
	const source = fs.readFileSync(p, 'utf8');
	// Imports of interfaces and types only are erased by the compiler and cannot form a runtime cycle.
	graph[p] = [...source.matchAll(/^import (?!type )([^;]*?) from '(\.[^']+)';/gms)]
		.map((m) => path.join(path.dirname(p), m[2]) + '.ts');
	layers[p] = [...source.matchAll(/^import [^;]*? from '(\.[^']+)';/gms)].map((m) => path.join(path.dirname(p), m[1]) + '.ts');
};
roots.map((r) => path.join(ROOT, r)).filter((p) => fs.existsSync(p)).forEach(visit);

const done = new Set();
const cycles = [];
const walk = (file, trail) => {
	if (trail.includes(file)) return cycles.push([...trail.slice(trail.indexOf(file)), file].map((f) => path.relative(ROOT, f)).join(' → '));
	if (done.has(file)) return;
	done.add(file);
	for (const next of graph[file] || []) walk(next, [...trail, file]);
};
Object.keys(graph).forEach((f) => walk(f, []));

/** What a layer may not import: lib nothing above it, settings nothing but settings. */
const above = { lib: ['endpoints', 'handlers', 'TicketsApp.ts'], settings: ['endpoints', 'handlers', 'lib', 'TicketsApp.ts'] };
const upward = Object.entries(layers).flatMap(([file, imports]) => {
	const layer = path.relative(ROOT, file).split(path.sep)[0];
	const banned = above[layer] || [];
	return imports.filter((i) => banned.includes(path.relative(ROOT, i).split(path.sep)[0])).map((i) => `${path.relative(ROOT, file)} → ${path.relative(ROOT, i)}`);
});
if (upward.length) {
	console.error(`imports up the layers (endpoints and handlers → lib → settings):\n  ${upward.join('\n  ')}`);
	process.exit(1);
}
if (cycles.length) {
	console.error(`circular imports (rc-apps cannot package them):\n  ${cycles.join('\n  ')}`);
	process.exit(1);
}
