// @ts-check
// `node bench/soak.mjs [--seconds 30] [--clients 50] [--agents 10] [--instances 1] [--sample-seconds 5] [--out file]`:
// the development host (with N app instances) under a steady load for a while, then a full audit.
// RapidPro clients cycle open ticket → visitor messages → (half of them) close
// with /room.close; agents reply with chat.sendMessage and close rooms with
// livechat/room.closeByUser; a receiver stands in for RapidPro's callback.
// Afterwards, once the webhook queue has drained: every accepted visitor
// message is in its room exactly once, every accepted agent message reached
// RapidPro exactly once and in order per ticket, close-room came exactly once
// (and last) for agent-closed tickets and never for RapidPro-closed ones; and
// the app's stored records were sampled throughout, as was the memory of the host
// (RSS and V8 heap) and of every app runtime (each Deno child's RSS, by pid),
// judged flat or not over the last 10 minutes (bench/memory.mjs).
// Prints a summary and writes bench/soak-results.json.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { appUrl, login, setAppSettings, startHostProcess, startReceiver, waitFor } from '../test/e2e/helpers/index.mjs';
import { closeConnections, request } from './http.mjs';
import { childrenOf, commandOf, formatMemory, memoryReport, rssKb, WINDOW_SECONDS } from './memory.mjs';

const SECRET = 'SOAK23456789ABCDEFGHJKLMNPQRSTUV';
const HERE = path.dirname(fileURLToPath(import.meta.url));
const KINDS = ['misc:tickets:open', 'misc:tickets:outbox:failed'];
/**
 * Queued and given-up events each carry an entry key; a scheduled delivery job's marker a next-pass key; a
 * closed ticket its minute's slot key; the sweep's and the reconcile job's cursor a cursor key; a ticket's
 * last sent agent message (kept until its close) a sent key.
 */
const PREFIXES = ['misc:tickets:outbox:entry:', 'misc:tickets:outbox:next-pass:', 'misc:tickets:closed-at:', 'misc:tickets:cursor:', 'misc:tickets:outbox:sent:'];

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const between = (lo, hi) => lo + Math.floor(Math.random() * (hi - lo + 1));
const mb = (kb) => Math.round((kb / 1024) * 10) / 10;

function percentiles(values) {
	const sorted = [...values].sort((a, b) => a - b);
	const at = (p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : 0);
	return { count: sorted.length, p50: at(50), p95: at(95), p99: at(99), max: sorted.at(-1) || 0 };
}

/**
 * @typedef {{ ticketId: string, token: string, rid: string, visitor: { id: string, text: string }[], agentSent: { text: string, ts: string }[],
 *   closedBy: Set<'rapidpro' | 'agent'> }} SoakTicket
 */

/**
 * @param {{ seconds?: number, clients?: number, agents?: number, instances?: number, sampleSeconds?: number, out?: string, log?: (line: string) => void }} [opts]
 */
export async function soak({ seconds = 30, clients = 50, agents = 10, instances = 1, sampleSeconds = 5, out = path.join(HERE, 'soak-results.json'), log = (line) => console.log(line) } = {}) {
	const configDir = fs.mkdtempSync(path.join(os.tmpdir(), 'soak-config-'));
	const configFile = path.join(configDir, 'host.json');
	const agentNames = Array.from({ length: agents }, (_, i) => `agent${i + 1}`);
	fs.writeFileSync(configFile, JSON.stringify({ agents: agentNames.map((username) => ({ username, password: `${username}-pass` })) }));
	log(`soak: ${clients} RapidPro clients, ${agents} agents, ${instances} instance${instances > 1 ? 's' : ''}, ${seconds} s`);
	const host = await startHostProcess({ args: ['--fresh', '--config', configFile, ...(instances > 1 ? ['--instances', String(instances)] : [])] });
	if (host.remote) throw new Error('the soak reads the host\'s memory and records: run it against the development host, not E2E_URL');
	const receiver = await startReceiver();
	try {
		const admin = await login(host.url);
		const base = appUrl(host.url, host.appId);
		const rapidPro = { Authorization: `Token ${SECRET}` };
		await setAppSettings(host.url, admin, host.appId, { app_secret: SECRET, request_timeout: 5 });
		await waitFor(async () => (await request(`${base}/secret.check`, { headers: rapidPro })).status === 204, { what: 'the secret to apply' });
		const registered = await request(`${base}/settings`, { method: 'PUT', headers: rapidPro, json: { webhook: { url: `${receiver.url}/callback` } } });
		if (registered.status !== 204) throw new Error(`PUT /settings answered ${registered.status} ${registered.text}`);
		// The admin steps away, so Rocket.Chat routes every room to the agents (fewest open rooms first).
		await request(`${host.url}/api/v1/livechat/agent.status`, { method: 'POST', headers: admin.headers, json: { status: 'not-available' } });
		const team = await Promise.all(agentNames.map((name) => login(host.url, name, `${name}-pass`)));

		/** @type {Map<string, SoakTicket>} */ const tickets = new Map();
		/** @type {Map<string, SoakTicket>} */ const byRoom = new Map();
		/** @type {Record<string, number[]>} */ const latency = { room: [], 'visitor-message': [], 'room.close': [], 'chat.sendMessage': [], 'room.closeByUser': [] };
		/** @type {string[]} */ const unexpected = [];
		const counts = { ticketsOpened: 0, visitorMessages: 0, visitorRefused: 0, agentMessages: 0, agentRefused: 0, closedByRapidPro: 0, closedByAgent: 0 };
		const timed = async (op, call) => {
			const started = performance.now();
			try {
				return await call();
			} finally {
				latency[op].push(performance.now() - started);
			}
		};
		const note = (what, res) => unexpected.length < 200 && unexpected.push(`${what}: ${res.status} ${res.text.slice(0, 200)}`);

		const startedAt = Date.now();
		const deadline = startedAt + seconds * 1000;
		const running = () => Date.now() < deadline;

		// Samples every few seconds: the host's RSS, each app runtime's RSS (by pid: one Deno
		// child per instance, a new pid when the engine restarts one), and the stored records; the host's live
		// V8 heap (after a full GC) less often.
		/** @type {Record<string, { t: number, kb: number }[]>} */ const memory = {};
		const sample = (name, t, kb) => (memory[name] ||= []).push({ t, kb });
		/** @type {{ t: number, records: number, open: number, closed: number, pending: number, failed: number, markers: number, cursors: number, sentMarks: number, rooms: number, messages: number, jobs: number }[]} */
		const records = [];
		const stats = async () => {
			const query = [...KINDS.map((k) => `association=${k}`), ...PREFIXES.map((p) => `prefix=${p}`)].join('&');
			const res = await request(`${host.url}/api/host/stats?${query}`, { headers: admin.headers });
			const app = res.json.apps[host.appId];
			const [open, failed] = KINDS.map((k) => app.associations[k]);
			const [entries, markers, closed, cursors, sentMarks] = PREFIXES.map((p) => app.associations[`${p}*`]);
			return { t: (Date.now() - startedAt) / 1000, records: app.records, open, closed, pending: entries - failed, failed, markers, cursors, sentMarks, rooms: res.json.collections.rooms, messages: res.json.collections.messages, jobs: res.json.collections.jobs };
		};
		let sampling = true;
		// The host's live heap needs a full GC per reading: once a minute (more often in a short run) is enough.
		const liveHeapEvery = Math.min(60, Math.max(sampleSeconds, seconds / 20));
		let liveHeapAt = 0;
		const sampler = (async () => {
			while (sampling) {
				const next = Date.now() + sampleSeconds * 1000;
				const pid = host.pid();
				const t = (Date.now() - startedAt) / 1000;
				if (pid) {
					sample('host rss', t, rssKb(pid));
					for (const child of childrenOf(pid)) if (commandOf(child) === 'deno') sample(`runtime ${child} rss`, t, rssKb(child));
					if (t >= liveHeapAt) {
						liveHeapAt = t + liveHeapEvery;
						const heap = await request(`${host.url}/api/host/memory?gc=1`, { headers: admin.headers });
						if (heap.status === 200) sample('host heap live', t, heap.json.heapUsed / 1024);
					}
				}
				records.push(await stats());
				await sleep(Math.max(0, next - Date.now()));
			}
		})();

		const client = async (n) => {
			const token = String(500000 + n);
			for (let cycle = 0; running(); cycle++) {
				const ticketId = `S-${n}-${cycle}`;
				const opened = await timed('room', () => request(`${base}/room`, { headers: rapidPro, json: { ticketID: ticketId, visitor: { token, name: `Soak contact ${n}` } } }));
				if (opened.status !== 200) {
					note(`GET /room ${ticketId}`, opened);
					await sleep(500);
					continue;
				}
				/** @type {SoakTicket} */
				const ticket = { ticketId, token, rid: opened.json.id, visitor: [], agentSent: [], closedBy: new Set() };
				tickets.set(ticketId, ticket);
				byRoom.set(ticket.rid, ticket);
				counts.ticketsOpened += 1;
				const byRapidPro = Math.random() < 0.5;
				// A RapidPro-closed ticket says a few things and is closed; the others write on until an agent closes the room.
				const planned = byRapidPro ? between(2, 6) : Infinity;
				let roomGone = false;
				for (let k = 0; k < planned && running(); k++) {
					const text = `${ticketId} v${k}`;
					const sent = await timed('visitor-message', () => request(`${base}/visitor-message`, { method: 'POST', headers: rapidPro, json: { visitor: { token }, text } }));
					if (sent.status === 201) {
						ticket.visitor.push({ id: sent.json.id, text });
						counts.visitorMessages += 1;
					} else if (sent.status === 404) {
						counts.visitorRefused += 1;
						roomGone = true;
						break;
					} else {
						note(`POST /visitor-message ${text}`, sent);
					}
					await sleep(between(50, byRapidPro ? 150 : 400));
				}
				if (byRapidPro && !roomGone && running()) {
					const closed = await timed('room.close', () => request(`${base}/room.close`, { headers: rapidPro, json: { visitor: { token }, ticketID: ticketId } }));
					if (closed.status === 204) {
						ticket.closedBy.add('rapidpro');
						counts.closedByRapidPro += 1;
					} else {
						note(`GET /room.close ${ticketId}`, closed);
					}
				}
				if (!running()) return;
			}
		};

		const agentLoop = async (me) => {
			while (running()) {
				const listed = await request(`${host.url}/api/v1/livechat/rooms?open=true&agents=${me.userId}&count=1000`, { headers: me.headers });
				for (const room of listed.json?.rooms || []) {
					const ticket = byRoom.get(room._id);
					if (!ticket || !running()) continue;
					const text = `${ticket.ticketId} a${ticket.agentSent.length}`;
					const sent = await timed('chat.sendMessage', () => request(`${host.url}/api/v1/chat.sendMessage`, { method: 'POST', headers: me.headers, json: { message: { rid: room._id, msg: text } } }));
					if (sent.json?.success) {
						ticket.agentSent.push({ text, ts: sent.json.message.ts });
						counts.agentMessages += 1;
					} else if (sent.status === 400 && /room-closed|invalid-room/.test(sent.text)) {
						counts.agentRefused += 1;
						continue;
					} else {
						note(`chat.sendMessage ${text}`, sent);
					}
					if (ticket.agentSent.length >= 3 && Math.random() < 0.3) {
						const closed = await timed('room.closeByUser', () => request(`${host.url}/api/v1/livechat/room.closeByUser`, { method: 'POST', headers: me.headers, json: { rid: room._id, comment: 'solved' } }));
						if (closed.json?.success) {
							ticket.closedBy.add('agent');
							counts.closedByAgent += 1;
						// Rocket.Chat's closeRoom answers "Error removing inquiry" to the loser of two closes at once.
						} else if (!/room-already-closed|room-closed|Error removing inquiry/.test(closed.text)) {
							note(`room.closeByUser ${ticket.ticketId}`, closed);
						}
					}
				}
				await sleep(between(100, 300));
			}
		};

		await Promise.all([...Array.from({ length: clients }, (_, n) => client(n)), ...team.map((me) => agentLoop(me))]);
		const loadSeconds = (Date.now() - startedAt) / 1000;
		log(`soak: load over after ${loadSeconds.toFixed(1)} s; ${counts.ticketsOpened} tickets, ${counts.visitorMessages} visitor and ${counts.agentMessages} agent messages; waiting for the queue to drain`);

		// Drain: every expected webhook in, and nothing left pending in the app's queue.
		const all = [...tickets.values()];
		const agentClosed = all.filter((t) => t.closedBy.has('agent') && !t.closedBy.has('rapidpro'));
		const expectedWebhooks = all.reduce((s, t) => s + t.agentSent.length, 0) + agentClosed.length;
		const drainStarted = Date.now();
		let drained = true;
		await waitFor(() => receiver.requests.length >= expectedWebhooks, { timeoutMs: 60000, intervalMs: 250, what: `${expectedWebhooks} webhooks` }).catch(() => (drained = false));
		await waitFor(async () => (await stats()).pending === 0, { timeoutMs: 60000, intervalMs: 500, what: 'an empty webhook queue' }).catch(() => (drained = false));
		const drainSeconds = (Date.now() - drainStarted) / 1000;
		await sleep(1000); // anything late or duplicated would arrive now
		sampling = false;
		await sampler;
		const final = await stats();
		records.push(final);

		// Audit.
		const problems = [];
		const hooks = new Map();
		for (const r of receiver.requests) {
			const id = r.json?.ticketId;
			if (!tickets.has(id)) {
				problems.push(`webhook for an unknown ticket: ${r.text.slice(0, 120)}`);
				continue;
			}
			if (!hooks.has(id)) hooks.set(id, []);
			hooks.get(id).push(r.json);
		}
		let visitorChecked = 0;
		let agentChecked = 0;
		let agentAfterClose = 0;
		const roomsAll = (await request(`${host.url}/api/v1/livechat/rooms?count=100000`, { headers: admin.headers })).json.rooms;
		const closedAt = new Map(roomsAll.map((r) => [r._id, r.closedAt]));
		for (const t of all) {
			const messages = (await request(`${host.url}/api/v1/chat.syncMessages?roomId=${t.rid}&lastUpdate=${new Date(0).toISOString()}`, { headers: admin.headers })).json.result.updated;
			for (const v of t.visitor) {
				const found = messages.filter((m) => m.msg === v.text);
				if (found.length !== 1 || found[0]._id !== v.id) problems.push(`visitor message "${v.text}" is in its room ${found.length} times`);
				visitorChecked += 1;
			}
			const got = (hooks.get(t.ticketId) || []);
			const texts = got.filter((h) => h.type === 'agent-message').map((h) => h.data.text);
			// Rocket.Chat may accept an agent message while the room is closing; one stamped after the room's
			// close may or may not still count as the ticket's (PROTOCOL §3), but never twice.
			const late = new Set(t.agentSent.filter((a) => closedAt.get(t.rid) && a.ts > closedAt.get(t.rid)).map((a) => a.text));
			agentAfterClose += late.size;
			const expected = t.agentSent.filter((a) => !late.has(a.text)).map((a) => a.text);
			const onTime = texts.filter((x) => !late.has(x));
			const lateTwice = [...late].filter((x) => texts.filter((y) => y === x).length > 1);
			if (JSON.stringify(onTime) !== JSON.stringify(expected) || lateTwice.length) {
				problems.push(`${t.ticketId}: agent messages at RapidPro ${JSON.stringify(texts)}, sent ${JSON.stringify(t.agentSent.map((a) => a.text))}`);
			}
			agentChecked += expected.length;
			const closes = got.filter((h) => h.type === 'close-room').length;
			const closeLast = got.length === 0 || got.at(-1).type === 'close-room';
			if (t.closedBy.has('agent') && t.closedBy.has('rapidpro')) {
				if (closes > 1) problems.push(`${t.ticketId}: closed from both sides, ${closes} close-room`);
			} else if (t.closedBy.has('agent')) {
				if (closes !== 1 || !closeLast) problems.push(`${t.ticketId}: agent-closed, ${closes} close-room${closeLast ? '' : `, not last: ${got.map((h) => (h.type === 'agent-message' ? `${h.data.text}${late.has(h.data.text) ? ' (stamped after the close)' : ''}` : h.type)).join(' → ')}`}`);
			} else if (closes !== 0) {
				problems.push(`${t.ticketId}: ${t.closedBy.has('rapidpro') ? 'RapidPro-closed' : 'open'}, yet ${closes} close-room`);
			}
		}
		const openAtEnd = all.filter((t) => t.closedBy.size === 0).length;

		// Memory: judged over the last 10 minutes of the load (the last half of a shorter run).
		const memoryFigures = memoryReport(memory, loadSeconds);
		const memoryFlat = Object.values(memoryFigures).every((m) => m.pass !== false);
		// Stored records: at the end, exactly the open and recently closed tickets plus the webhook URL and the
		// jobs' cursors, the markers of delivery jobs still to come, and the sent marks of open tickets.
		const expectedRecords = final.open + final.closed + final.pending + final.failed + final.markers + final.cursors + final.sentMarks + 1;
		if (final.sentMarks > final.open) problems.push(`${final.sentMarks} sent marks for ${final.open} open tickets: a closed ticket's mark was left behind`);
		if (final.cursors > 2) problems.push(`${final.cursors} job cursor records; the sweep and the reconcile job keep one each`);
		if (final.records !== expectedRecords) problems.push(`the app stores ${final.records} records; open + closed + queued + failed + markers + cursors + sent marks + webhook URL = ${expectedRecords}`);
		if (final.open !== openAtEnd) problems.push(`${final.open} open ticket records, ${openAtEnd} tickets left open`);
		if (final.failed !== 0) problems.push(`${final.failed} webhooks given up`);
		if (!drained) problems.push(`the queue did not drain: ${receiver.requests.length} of ${expectedWebhooks} webhooks, ${final.pending} pending`);
		// A run long enough to hold warm-up and a full 10-minute window must end flat; a shorter one only reports.
		if (loadSeconds >= 2 * WINDOW_SECONDS) {
			for (const [name, m] of Object.entries(memoryFigures)) if (m.pass === false) problems.push(`memory: ${name} grew ${m.growthPercent} % over the last 10 minutes`);
		}
		problems.push(...unexpected.map((u) => `unexpected answer: ${u}`));

		const results = {
			when: new Date().toISOString(),
			machine: { cpus: os.cpus().length, node: process.version },
			config: { seconds, clients, agents, instances, sampleSeconds },
			load: { seconds: Math.round(loadSeconds * 10) / 10, ...counts, openAtEnd, closedFromBothSides: all.filter((t) => t.closedBy.size === 2).length, agentMessagesAfterClose: agentAfterClose },
			throughput: {
				requestsPerSecond: Math.round(Object.values(latency).reduce((s, l) => s + l.length, 0) / loadSeconds),
				visitorMessagesPerSecond: Math.round((counts.visitorMessages / loadSeconds) * 10) / 10,
				agentMessagesPerSecond: Math.round((counts.agentMessages / loadSeconds) * 10) / 10,
			},
			latencyMs: Object.fromEntries(Object.entries(latency).map(([op, l]) => [op, Object.fromEntries(Object.entries(percentiles(l)).map(([k, v]) => [k, Math.round(v * 10) / 10]))])),
			delivery: { webhooks: receiver.requests.length, expected: expectedWebhooks, drainSeconds: Math.round(drainSeconds * 10) / 10, visitorMessagesChecked: visitorChecked, agentMessagesChecked: agentChecked },
			memory: {
				flat: memoryFlat,
				processes: memoryFigures,
				// [seconds since the load began, MB] per process.
				samples: Object.fromEntries(Object.entries(memory).map(([name, list]) => [name, list.map((m) => [Math.round(m.t), mb(m.kb)])])),
			},
			records: {
				end: final,
				maxPending: Math.max(0, ...records.map((r) => r.pending)),
				maxJobs: Math.max(0, ...records.map((r) => r.jobs)),
				samples: records,
			},
			lostOrDuplicated: problems.filter((p) => !/^(unexpected|memory):/.test(p)).length,
			problems,
		};
		fs.writeFileSync(out, JSON.stringify(results, null, '\t') + '\n');
		printSummary(results, log);
		if (problems.length) {
			const hostLog = path.join(path.dirname(out), 'soak-host.log');
			fs.writeFileSync(hostLog, host.output());
			log(`soak: the host's output is in ${path.relative(process.cwd(), hostLog)}; its data in ${host.dataDir}`);
		}
		log(`soak: results in ${path.relative(process.cwd(), out)}`);
		return results;
	} finally {
		closeConnections();
		await receiver.close();
		await host.stop();
		fs.rmSync(configDir, { recursive: true, force: true });
	}
}

function printSummary(r, log) {
	const l = r.load;
	log('');
	log(`Soak: ${r.config.clients} RapidPro clients, ${r.config.agents} agents, ${r.config.instances} instance(s), ${l.seconds} s on ${r.machine.cpus} CPUs`);
	log(`  tickets opened ${l.ticketsOpened} (closed by RapidPro ${l.closedByRapidPro}, by agents ${l.closedByAgent}, both ${l.closedFromBothSides}, open at the end ${l.openAtEnd})`);
	log(`  visitor messages ${l.visitorMessages} (${r.throughput.visitorMessagesPerSecond}/s; ${l.visitorRefused} refused with 404 after the room closed)`);
	log(`  agent messages ${l.agentMessages} (${r.throughput.agentMessagesPerSecond}/s; ${l.agentRefused} refused, room closed)`);
	log(`  requests ${r.throughput.requestsPerSecond}/s overall`);
	log('  latency ms            count    p50    p95    p99    max');
	for (const [op, p] of Object.entries(r.latencyMs)) log(`    ${op.padEnd(18)} ${String(p.count).padStart(6)} ${String(p.p50).padStart(6)} ${String(p.p95).padStart(6)} ${String(p.p99).padStart(6)} ${String(p.max).padStart(6)}`);
	log(`  webhooks ${r.delivery.webhooks}: ${r.delivery.expected} required, the rest optional (close-room of tickets closed from both sides, agent messages accepted as a room closed); queue drained ${r.delivery.drainSeconds} s after the load`);
	log(`  checked ${r.delivery.visitorMessagesChecked} visitor messages in their rooms, ${r.delivery.agentMessagesChecked} agent messages at RapidPro`);
	for (const line of formatMemory(r.memory.processes)) log(line);
	const e = r.records.end;
	log(`  app records at the end ${e.records} = ${e.open} open + ${e.closed} closed (kept 10 min) + ${e.pending} queued + ${e.failed} failed + ${e.markers} delivery-job markers + ${e.cursors} job cursors + ${e.sentMarks} sent marks + 1 webhook URL`);
	log(`  queue peaked at ${r.records.maxPending} events; scheduler jobs ≤ ${r.records.maxJobs}; Rocket.Chat rooms ${e.rooms}, messages ${e.messages}`);
	log(`  lost or duplicated: ${r.lostOrDuplicated}; problems: ${r.problems.length}`);
	for (const p of r.problems.slice(0, 20)) log(`    ${p}`);
}

function flag(name, fallback) {
	const i = process.argv.indexOf(name);
	if (i === -1) return fallback;
	const next = process.argv[i + 1];
	return next === undefined || next.startsWith('--') ? true : next;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
	const out = flag('--out', undefined);
	soak({
		seconds: Number(flag('--seconds', 30)),
		clients: Number(flag('--clients', 50)),
		agents: Number(flag('--agents', 10)),
		instances: Number(flag('--instances', 1)),
		sampleSeconds: Number(flag('--sample-seconds', 5)),
		...(typeof out === 'string' && { out: path.resolve(out) }),
	}).then(
		(r) => process.exit(r.problems.length ? 1 : 0),
		(e) => {
			console.error(`soak failed: ${e?.stack || e}`);
			process.exit(2);
		},
	);
}
