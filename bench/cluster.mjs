// @ts-check
// `npm run bench -- --cluster [--quick]`: throughput of the host as one
// instance and as a cluster of two (`--instances 2`: two AppManagers, two Deno
// runtimes, one store, requests round robin), measured the same way in one run
// so the ratio compares like with like: 16 clients, each a contact writing to
// its own ticket (visitor-message), then 16 agents each replying in a room of
// its own and waiting for RapidPro to get the webhook (agent message → webhook).
import { startBenchHost } from './BenchHost.mjs';
import { round, runClients, summarize } from './measure.mjs';
import { openTickets, operations } from './operations.mjs';

const CLIENTS = 16;
export const CLUSTER_PROFILES = {
	full: { warmup: 64, n: 1600 },
	quick: { warmup: 16, n: 64 },
};

/** One host of `instances`: both operations' throughput with 16 clients. */
async function measureHost(instances, profile, log) {
	log(`bench: cluster: starting ${instances} instance${instances > 1 ? 's' : ''}`);
	const bench = await startBenchHost({ instances });
	try {
		const tickets = await openTickets(bench, CLIENTS, 5000);
		const ops = operations(bench, () => tickets);
		const out = {};
		for (const op of [ops.visitorMessage, ops.agentMessage]) {
			await runClients(CLIENTS, profile.warmup, op.run);
			const run = summarize([await runClients(CLIENTS, profile.n, op.run)]);
			out[op.key] = { perSecond: round(run.throughput, 1), p50Ms: round(run.p50Ms), p95Ms: round(run.p95Ms) };
			log(`bench: cluster: ${instances} × ${op.label}: ${out[op.key].perSecond}/s`);
		}
		return out;
	} finally {
		await bench.stop();
	}
}

/** @param {{ quick?: boolean, log?: (line: string) => void }} [opts] */
export async function clusterThroughput({ quick = false, log = (line) => console.error(line) } = {}) {
	const profile = quick ? CLUSTER_PROFILES.quick : CLUSTER_PROFILES.full;
	const one = await measureHost(1, profile, log);
	const two = await measureHost(2, profile, log);
	const ratio = Object.fromEntries(Object.keys(one).map((k) => [k, round(two[k].perSecond / one[k].perSecond)]));
	return { clients: CLIENTS, operationsPerRun: profile.n, oneInstance: one, twoInstances: two, twoOverOne: ratio };
}

/** The side-by-side table. */
export function formatCluster(r) {
	const rows = Object.keys(r.oneInstance).map((k) => {
		const a = r.oneInstance[k];
		const b = r.twoInstances[k];
		return `| ${k} | ${a.perSecond}/s (p50 ${a.p50Ms} ms) | ${b.perSecond}/s (p50 ${b.p50Ms} ms) | ${r.twoOverOne[k]}× |`;
	});
	return [
		`Throughput, ${r.clients} clients, ${r.operationsPerRun} operations each (one run):`,
		'| operation | 1 instance | 2 instances | 2 ÷ 1 |',
		'|---|---|---|---|',
		...rows,
	].join('\n');
}
