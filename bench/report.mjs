// @ts-check
// Turns measurements into bench/results.json's shape and the printed tables.
// Every figure is also given as a ratio to the floor (secret.check: the app's
// authentication and nothing else) measured in the same run: shared machines
// are noisy, and ratios are what compare between runs.
import { round } from './measure.mjs';

export const TARGETS = {
	visitorMessageP50xFloor: 2,
	visitorMessageHostCalls: 3,
	agentMessageHostCalls: 5,
	agentMessageHttpCalls: 1,
	scalingRatio: 1.2,
};

/** Bridge calls per operation: host calls (accessor calls answered by Rocket.Chat) and outbound HTTP apart. */
export function perOperation(calls, n) {
	const total = Object.values(calls).reduce((a, b) => a + b, 0);
	const http = calls['HttpBridge.call'] || 0;
	return {
		hostCalls: round((total - http) / n),
		httpCalls: round(http / n),
		byMethod: Object.fromEntries(Object.entries(calls).sort().map(([k, v]) => [k, round(v / n, 3)])),
	};
}

/**
 * One operation's figures, with their ratios to the floor measured alongside
 * it (see `interleaved`): c1 and c16 are `{op, floor, p50Ratio}`. The p50
 * ratio is the median of the blocks' ratios; the others divide the totals.
 */
export function operationResult(label, c1, c16, calls) {
	return {
		label,
		n: c1.op.n,
		p50Ms: round(c1.op.p50Ms),
		p95Ms: round(c1.op.p95Ms),
		throughput1: round(c1.op.throughput, 1),
		throughput16: round(c16.op.throughput, 1),
		p50Ms16: round(c16.op.p50Ms),
		...calls,
		floorAlongside: { p50Ms: round(c1.floor.p50Ms), p95Ms: round(c1.floor.p95Ms), throughput1: round(c1.floor.throughput, 1), throughput16: round(c16.floor.throughput, 1) },
		ratioToFloor: {
			p50: round(c1.p50Ratio),
			p95: round(c1.op.p95Ms / c1.floor.p95Ms),
			throughput1: round(c1.op.throughput / c1.floor.throughput),
			throughput16: round(c16.op.throughput / c16.floor.throughput),
		},
	};
}

/** visitor-message and agent → webhook at few and many open tickets; the ratio is many ÷ few. */
export function scalingResult(small, large) {
	const out = {};
	for (const key of Object.keys(small.operations)) {
		const s = small.operations[key];
		const l = large.operations[key];
		out[key] = {
			few: s,
			many: l,
			p50Ratio: round(l.p50Ms / s.p50Ms),
			// The same ratio with each side first divided by the floor measured alongside it: what is left is the app's growth.
			p50RatioToFloor: round(l.p50xFloor / s.p50xFloor),
			hostCallsRatio: round(l.hostCalls / s.hostCalls),
		};
	}
	return out;
}

export function targetChecks(results) {
	const ops = results.operations;
	const vm = ops['visitor-message'];
	const agent = ops['agent-message'];
	const checks = [
		{ target: 'visitor-message p50 ≤ 2 × floor', value: vm.ratioToFloor.p50, met: vm.ratioToFloor.p50 <= TARGETS.visitorMessageP50xFloor },
		{ target: 'visitor-message ≤ 3 host calls', value: vm.hostCalls, met: vm.hostCalls <= TARGETS.visitorMessageHostCalls },
		{ target: 'agent → webhook ≤ 5 host calls', value: agent.hostCalls, met: agent.hostCalls <= TARGETS.agentMessageHostCalls },
		{ target: 'agent → webhook: 1 HTTP call', value: agent.httpCalls, met: agent.httpCalls <= TARGETS.agentMessageHttpCalls },
	];
	for (const [key, s] of Object.entries(results.scaling.operations)) {
		const label = key === 'agent-message' ? 'agent → webhook' : key;
		checks.push({ target: `${label} scaling ratio ≤ 1.2 (p50, floor-normalised)`, value: s.p50RatioToFloor, met: s.p50RatioToFloor <= TARGETS.scalingRatio });
		// Counted host-wide, so the app's once-a-minute sweep can add a few hundredths of a call per operation.
		checks.push({ target: `${label} host calls the same at ${results.scaling.many} open tickets (ratio)`, value: s.hostCallsRatio, met: s.hostCallsRatio <= 1.05 });
	}
	return checks;
}

function table(header, rows) {
	const cells = [header, ...rows].map((r) => r.map(String));
	const widths = header.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
	const line = (r) => `| ${r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
	return [line(cells[0]), `|${widths.map((w, i) => (i === 0 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`, ...cells.slice(1).map(line)].join('\n');
}

/** The tables as Markdown (docs/performance.md uses them as printed). */
export function formatResults(r) {
	const ops = Object.values(r.operations);
	const main = table(
		['operation', 'p50 ms', 'p95 ms', 'ops/s ×1', 'ops/s ×16', 'host calls', 'HTTP calls', 'p50 ÷ floor', 'p95 ÷ floor', 'ops/s ×16 ÷ floor'],
		ops.map((o) => [o.label, o.p50Ms, o.p95Ms, o.throughput1, o.throughput16, o.hostCalls, o.httpCalls, o.ratioToFloor.p50, o.ratioToFloor.p95, o.ratioToFloor.throughput16]),
	);
	const s = r.scaling;
	const scaling = table(
		['operation', `p50 ms, ${s.few} open`, `p50 ms, ${s.many} open`, 'ratio', 'ratio, floor-normalised', 'host calls (few → many)'],
		Object.entries(s.operations).map(([key, o]) => [r.operations[key].label, o.few.p50Ms, o.many.p50Ms, o.p50Ratio, o.p50RatioToFloor, `${o.few.hostCalls} → ${o.many.hostCalls}`]),
	);
	const q = r.queue;
	const queue = table(['queue under an outage', ''], [
		['messages queued (tickets × each)', `${q.messages} (${q.tickets} × ${q.perTicket})`],
		['records in persistence while queued', q.queuedRecords],
		['503 answers during the outage', q.failedAttemptsDuringOutage],
		['recovery → first delivery', `${q.recoverToFirstDeliveryMs} ms`],
		['recovery → all delivered', `${q.recoverToDrainedMs} ms`],
		['deliveries per second while draining', q.deliveriesPerSecond],
		['lost / duplicates', `${q.lost} / ${q.duplicates}`],
		['order per ticket preserved', q.orderPreserved ? 'yes' : `no (${q.firstArrivalsOutOfOrder} first arrivals, ${q.arrivalsBehindALaterMessage} arrivals behind a later message, ${q.ticketsWithDisorder} tickets)`],
		['host calls per message (failed attempts included)', q.hostCallsPerMessage],
		['HTTP calls per message', q.httpCallsPerMessage],
	]);
	const checks = table(['target', 'value', 'met'], r.targets.map((c) => [c.target, c.value, c.met ? 'yes' : 'NO']));
	return [
		`${r.meta.mode} run, ${r.meta.cpus} CPUs, node ${r.meta.node}, ${round(r.meta.durationMs / 1000, 1)} s`,
		'',
		main,
		'',
		`Open tickets: ${s.many} opened in ${round(s.fill.ms / 1000, 1)} s (${s.fill.perSecond} /s, 16 clients over HTTP /room); ` +
			`${s.bytesPerOpenTicket} bytes persisted per open ticket (${s.recordsPerOpenTicket} record of ${s.recordBytesPerOpenTicket} bytes, ` +
			`${s.indexEntriesPerOpenTicket} association index entries of ${s.indexBytesPerOpenTicket} bytes in all)`,
		'',
		scaling,
		'',
		queue,
		'',
		checks,
	].join('\n');
}
