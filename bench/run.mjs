// @ts-check
// `npm run bench [-- --quick] [-- --out file]` (or `-- --soak`, see bench/soak.mjs; `-- --stall`, bench/stall.mjs;
// `-- --cluster`, bench/cluster.mjs): starts the development host
// (`host/cli.mjs --fresh`) and measures, over HTTP as RapidPro and an agent
// do, each operation's latency, throughput at 1 and 16 clients and host
// (bridge) calls; then the same operations with many open tickets, and the
// webhook queue through an outage. Prints the tables, writes bench/results.json.
// --quick is the smoke run `npm test` does: every step, a few seconds of work.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startBenchHost } from './BenchHost.mjs';
import { interleaved, round, runClients } from './measure.mjs';
import { openTickets, operations, randomTicketOperations } from './operations.mjs';
import { queueScenario } from './queue.mjs';
import { formatResults, operationResult, perOperation, scalingResult, targetChecks } from './report.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));

export const PROFILES = {
	// n1: operations measured one at a time; n16: with 16 clients; few/many: open tickets for scaling.
	full: { warmup: 20, n1: 200, n16: 320, scalingN: 400, few: 10, many: 10000, queueMessages: 1000, queueTickets: 50 },
	quick: { warmup: 3, n1: 16, n16: 32, scalingN: 16, few: 10, many: 60, queueMessages: 40, queueTickets: 8 },
};
const CLIENTS = 16;
/** Operations per block when alternating with the floor (×4 with 16 clients). */
const BLOCK = 25;

/** @param {{ quick?: boolean, out?: string, log?: (line: string) => void }} [opts] */
export async function runBench({ quick = false, out = path.join(HERE, 'results.json'), log = (line) => console.error(line) } = {}) {
	const profile = quick ? PROFILES.quick : PROFILES.full;
	const started = Date.now();
	log(`bench: starting the host (${quick ? 'quick' : 'full'} run)`);
	const bench = await startBenchHost();
	try {
		/** @type {import('./BenchHost.mjs').OpenTicket[]} */
		let tickets = await openTickets(bench, profile.few, 1000);
		const ops = operations(bench, () => tickets);

		/**
		 * One operation: warm-up, then `n1` one at a time (bridge calls counted) and
		 * `n16` with 16 clients, each in blocks alternating with the floor.
		 */
		const measure = async (op, { n1 = profile.n1, n16 = profile.n16 } = {}) => {
			await runClients(1, profile.warmup, op.run);
			await bench.settledBridgeCalls();
			await bench.resetBridgeCalls();
			const c1 = await interleaved({ clients: 1, total: n1, block: BLOCK, op: op.run, floor: ops.floor.run });
			const calls = perOperation(await bench.settledBridgeCalls(), n1);
			const c16 = n16 ? await interleaved({ clients: CLIENTS, total: n16, block: BLOCK * 4, op: op.run, floor: ops.floor.run }) : c1;
			log(`bench: ${op.label}: p50 ${round(c1.op.p50Ms)} ms (floor ${round(c1.floor.p50Ms)} ms), ${calls.hostCalls} host calls`);
			return operationResult(op.label, c1, c16, calls);
		};

		/** The scaling runs: visitor-message and agent → webhook on random tickets, single client. */
		const scalingPoint = async (openCount) => {
			const random = randomTicketOperations(bench, tickets);
			const point = { openTickets: openCount, operations: {} };
			for (const op of [random.visitorMessage, random.agentMessage]) {
				const m = await measure({ ...op, label: `${op.key} with ${openCount} open tickets` }, { n1: profile.scalingN, n16: 0 });
				point.operations[op.key] = { p50Ms: m.p50Ms, p95Ms: m.p95Ms, floorP50Ms: m.floorAlongside.p50Ms, p50xFloor: m.ratioToFloor.p50, hostCalls: m.hostCalls, httpCalls: m.httpCalls };
			}
			return point;
		};

		log(`bench: scaling, ${profile.few} open tickets`);
		const few = await scalingPoint(tickets.length);

		// The main table: one room per client, so agents never share a room.
		tickets = tickets.concat(await openTickets(bench, CLIENTS - tickets.length, 1000 + tickets.length));
		const results = /** @type {any} */ ({ meta: {}, operations: {} });
		for (const op of [ops.floor, ops.visitorMessage, ops.room, ops.roomClose, ops.agentMessage]) {
			results.operations[op.key] = await measure(op);
		}

		log(`bench: opening tickets up to ${profile.many}`);
		await bench.settledBridgeCalls(); // the last operation's queue records are gone before the count starts
		const before = await bench.persistence();
		const fillStarted = performance.now();
		const added = profile.many - tickets.length;
		tickets = tickets.concat(await openTickets(bench, added, 100000));
		const fillMs = performance.now() - fillStarted;
		const after = await bench.persistence();
		log(`bench: scaling, ${tickets.length} open tickets`);
		const many = await scalingPoint(tickets.length);
		results.scaling = {
			few: few.openTickets,
			many: many.openTickets,
			fill: { tickets: added, ms: round(fillMs, 0), perSecond: round(added / (fillMs / 1000), 1) },
			bytesPerOpenTicket: round((after.bytes - before.bytes) / added, 0),
			recordBytesPerOpenTicket: round((after.records.bytes - before.records.bytes) / added, 0),
			indexBytesPerOpenTicket: round((after.index.bytes - before.index.bytes) / added, 0),
			recordsPerOpenTicket: round((after.records.count - before.records.count) / added),
			indexEntriesPerOpenTicket: round((after.index.count - before.index.count) / added),
			operations: scalingResult(few, many),
		};

		log(`bench: webhook queue, ${profile.queueMessages} messages while RapidPro answers 503`);
		const step = Math.floor(tickets.length / profile.queueTickets);
		results.queue = await queueScenario(bench, Array.from({ length: profile.queueTickets }, (_, i) => tickets[i * step]), profile.queueMessages, CLIENTS);

		results.meta = {
			mode: quick ? 'quick' : 'full',
			date: new Date().toISOString(),
			node: process.version,
			cpus: os.cpus().length,
			durationMs: Date.now() - started,
			profile,
		};
		results.targets = targetChecks(results);
		fs.mkdirSync(path.dirname(out), { recursive: true });
		fs.writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
		return results;
	} catch (e) {
		log(`bench: failed; the host said:\n${bench.output().slice(-4000)}`);
		throw e;
	} finally {
		await bench.stop();
	}
}

function flag(name) {
	const i = process.argv.indexOf(name);
	if (i === -1) return undefined;
	const next = process.argv[i + 1];
	return next && !next.startsWith('--') ? next : true;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
	const out = flag('--out');
	try {
		if (flag('--stall')) {
			// `npm run bench -- --stall`: the Apps-Engine `__proto__` stall (bench/stall.mjs).
			const { measureStall } = await import('./stall.mjs');
			const r = await measureStall();
			console.log(`stall: the poisoned request got ${r.poisonedStatus}; the runtime answered again after ${Math.round(r.outageMs / 1000)} s` +
				`${r.restarted ? ' (restarted by the engine)' : ''}; an agent message sent meanwhile was ${r.messageDuringOutage}`);
		} else if (flag('--cluster')) {
			// `npm run bench -- --cluster [--quick]`: 1 instance vs a cluster of 2 (bench/cluster.mjs).
			const { clusterThroughput, formatCluster } = await import('./cluster.mjs');
			const r = await clusterThroughput({ quick: !!flag('--quick') });
			if (typeof out === 'string') fs.writeFileSync(path.resolve(out), `${JSON.stringify(r, null, 2)}\n`);
			console.log(formatCluster(r));
		} else if (flag('--soak')) {
			// `npm run bench -- --soak [--seconds N] [--clients N] [--agents N] [--instances N] [--sample-seconds N]`: the load test (bench/soak.mjs).
			const { soak } = await import('./soak.mjs');
			const number = (name, fallback) => (typeof flag(name) === 'string' ? Number(flag(name)) : fallback);
			const result = await soak({
				seconds: number('--seconds', 30), clients: number('--clients', 50), agents: number('--agents', 10),
				instances: number('--instances', 1), sampleSeconds: number('--sample-seconds', 5),
				...(typeof out === 'string' && { out: path.resolve(out) }),
			});
			process.exitCode = result.problems.length ? 1 : 0;
		} else {
			const file = typeof out === 'string' ? path.resolve(out) : path.join(HERE, 'results.json');
			const results = await runBench({ quick: !!flag('--quick'), out: file });
			console.log(formatResults(results));
			if (!flag('--quick')) {
				// A full run also sets 1 instance against a cluster of 2 (its own two hosts, after the main one).
				const { clusterThroughput, formatCluster } = await import('./cluster.mjs');
				results.cluster = await clusterThroughput();
				fs.writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
				console.log(formatCluster(results.cluster));
			}
		}
	} catch (e) {
		console.error(`bench: ${/** @type {any} */ (e)?.stack || e}`);
		process.exitCode = 1;
	}
}
