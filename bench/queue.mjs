// @ts-check
// The webhook queue under an outage: RapidPro answers 503 while agents write
// `pending` messages across `tickets.length` tickets, then it recovers. What
// is measured: how long the backlog takes to drain, whether each ticket's
// messages arrive in order, none lost and none twice, and what each delivery
// costs in host calls (the failed attempts included).
import { round } from './measure.mjs';

const QUEUE_TIMEOUT_MS = 150000;

/**
 * @param {Awaited<ReturnType<typeof import('./BenchHost.mjs').startBenchHost>>} bench
 * @param {import('./BenchHost.mjs').OpenTicket[]} tickets
 * @param {number} pending how many agent messages to queue in all
 */
export async function queueScenario(bench, tickets, pending, clients = 16) {
	const perTicket = Math.ceil(pending / tickets.length);
	const total = perTicket * tickets.length;
	const tag = `q${Date.now().toString(36)}`;
	await bench.settledBridgeCalls();
	await bench.resetBridgeCalls();
	const before = await bench.persistence();
	const receivedBefore = bench.receivedCount();
	bench.failWebhooks();

	// Agent c writes in the tickets t with t % clients === c, one message at a time,
	// so each ticket's messages have one true order: the order they were sent.
	const started = Date.now();
	await Promise.all(Array.from({ length: Math.min(clients, tickets.length) }, async (_, c) => {
		for (let k = 0; k < perTicket; k++) {
			for (let t = c; t < tickets.length; t += clients) {
				await bench.agentSays(tickets[t].rid, `${tag} ${t} ${k}`);
			}
		}
	}));
	const enqueueMs = Date.now() - started;
	await bench.settledBridgeCalls(); // every message's event has been handled
	const queued = (await bench.persistence()).records.count - before.records.count;
	const failedAttempts = bench.receivedCount() - receivedBefore;

	const recoveredAt = Date.now();
	bench.recover();
	const mine = () => bench.delivered.filter((d) => d.text?.startsWith(`${tag} `));
	const deadline = Date.now() + QUEUE_TIMEOUT_MS;
	while (new Set(mine().map((d) => d.text)).size < total && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
	await new Promise((r) => setTimeout(r, 2000)); // late duplicates, and the last removals
	const calls = await bench.settledBridgeCalls();

	const deliveries = mine();
	const unique = new Set(deliveries.map((d) => d.text));
	const seen = new Map();
	let outOfOrder = 0;
	const ticketsOutOfOrder = new Set();
	for (const d of deliveries) {
		const [, t, k] = d.text.split(' ').map(Number);
		const last = seen.get(t) ?? -1;
		if (k < last) {
			outOfOrder += 1;
			ticketsOutOfOrder.add(t);
		}
		seen.set(t, Math.max(last, k));
	}
	// Order as RapidPro first sees each message (what a contact experiences).
	let firstSeenOutOfOrder = 0;
	const firstSeen = new Map();
	const counted = new Set();
	for (const d of deliveries) {
		if (counted.has(d.text)) continue;
		counted.add(d.text);
		const [, t, k] = d.text.split(' ').map(Number);
		if (k !== (firstSeen.get(t) ?? -1) + 1) firstSeenOutOfOrder += 1;
		firstSeen.set(t, k);
	}
	const sum = Object.values(calls).reduce((a, b) => a + b, 0);
	const http = calls['HttpBridge.call'] || 0;
	const firstAt = deliveries.length ? deliveries[0].at : NaN;
	let lastAt = NaN; // when the last message arrived for the first time
	const arrived = new Set();
	for (const d of deliveries) {
		if (arrived.has(d.text)) continue;
		arrived.add(d.text);
		lastAt = d.at;
	}
	return {
		messages: total,
		tickets: tickets.length,
		perTicket,
		queuedRecords: queued,
		enqueueMs,
		failedAttemptsDuringOutage: failedAttempts,
		drained: unique.size === total,
		recoverToFirstDeliveryMs: round(firstAt - recoveredAt, 0),
		recoverToDrainedMs: round(lastAt - recoveredAt, 0),
		deliveriesPerSecond: round(unique.size / Math.max(0.001, (lastAt - firstAt) / 1000), 1),
		delivered: deliveries.length,
		lost: total - unique.size,
		duplicates: deliveries.length - unique.size,
		orderPreserved: firstSeenOutOfOrder === 0 && outOfOrder === 0,
		firstArrivalsOutOfOrder: firstSeenOutOfOrder,
		arrivalsBehindALaterMessage: outOfOrder,
		ticketsWithDisorder: ticketsOutOfOrder.size,
		hostCallsPerMessage: round((sum - http) / total),
		httpCallsPerMessage: round(http / total),
		callsByMethodPerMessage: Object.fromEntries(Object.entries(calls).sort().map(([k, v]) => [k, round(v / total, 3)])),
	};
}
