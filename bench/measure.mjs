// @ts-check
// Latency percentiles and throughput of operations run by N concurrent clients.

/** Nearest-rank percentile of an ascending list. */
export function percentile(sorted, p) {
	if (sorted.length === 0) return NaN;
	return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export const round = (x, digits = 2) => (Number.isFinite(x) ? Number(x.toFixed(digits)) : x);

/**
 * Runs `total` operations spread over `clients` concurrent clients, each doing
 * one at a time (a client is one of RapidPro's workers, or one agent).
 * `op(client, i)` gets the client's number (0…clients-1) and the operation's.
 * @param {number} clients @param {number} total @param {(client: number, i: number) => Promise<unknown>} op
 * @returns {Promise<{ latencies: number[], elapsedMs: number }>}
 */
export async function runClients(clients, total, op) {
	const latencies = [];
	let next = 0;
	const started = performance.now();
	const client = async (c) => {
		while (next < total) {
			const i = next++;
			const t0 = performance.now();
			await op(c, i);
			latencies.push(performance.now() - t0);
		}
	};
	await Promise.all(Array.from({ length: Math.min(clients, total) }, (_, c) => client(c)));
	return { latencies, elapsedMs: performance.now() - started };
}

/** p50, p95 and operations per second of a set of runs. */
export function summarize(runs) {
	const latencies = runs.flatMap((r) => r.latencies).sort((a, b) => a - b);
	const elapsedMs = runs.reduce((sum, r) => sum + r.elapsedMs, 0);
	return { n: latencies.length, p50Ms: percentile(latencies, 50), p95Ms: percentile(latencies, 95), throughput: latencies.length / (elapsedMs / 1000) };
}

/**
 * Measures `op` and the floor in alternating blocks, so both see the same
 * machine. `p50Ratio` is the median over block pairs of op p50 ÷ floor p50:
 * a burst from another process lands in a few blocks and the median drops them.
 * @param {{ clients: number, total: number, block: number, op: (c: number, i: number) => Promise<unknown>, floor: (c: number, i: number) => Promise<unknown> }} opts
 */
export async function interleaved({ clients, total, block, op, floor }) {
	const opRuns = [];
	const floorRuns = [];
	const ratios = [];
	for (let done = 0; done < total; done += block) {
		const n = Math.min(block, total - done);
		const f = await runClients(clients, n, floor);
		const o = await runClients(clients, n, op);
		floorRuns.push(f);
		opRuns.push(o);
		ratios.push(summarize([o]).p50Ms / summarize([f]).p50Ms);
	}
	return { op: summarize(opRuns), floor: summarize(floorRuns), p50Ratio: percentile(ratios.sort((a, b) => a - b), 50) };
}
