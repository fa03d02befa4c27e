// @ts-check
// The measured operations, each as RapidPro or an agent does it over HTTP.
// `run(client, i)` is one operation by client `client` (0…15), the i-th of its run.

/**
 * @param {Awaited<ReturnType<typeof import('./BenchHost.mjs').startBenchHost>>} bench
 * @param {() => import('./BenchHost.mjs').OpenTicket[]} pool the open tickets visitor and agent messages go to
 */
export function operations(bench, pool) {
	/** Tickets opened by the `room` operation, closed by `room.close` in the same order. */
	const opened = [];
	let closed = 0;
	let roomSeq = 0;
	let textSeq = 0;
	return {
		floor: {
			key: 'secret.check',
			label: 'secret.check (floor)',
			run: () => bench.secretCheck(),
		},
		visitorMessage: {
			key: 'visitor-message',
			label: 'visitor-message',
			// Each client is one contact's conversation.
			run: (client) => bench.visitorMessage(pool()[client % pool().length].token, `contact says ${textSeq++}`),
		},
		room: {
			key: 'room',
			label: 'room (open)',
			run: async () => {
				const n = roomSeq++;
				opened.push(await bench.openRoom(`bench-open-${n}`, String(700000 + n)));
			},
		},
		roomClose: {
			key: 'room.close',
			label: 'room.close',
			run: async () => {
				const ticket = opened[closed++];
				if (!ticket) throw new Error('room.close ran more often than room');
				await bench.closeRoom(ticket.token);
			},
		},
		agentMessage: {
			key: 'agent-message',
			label: 'agent message → webhook',
			// Each client is an agent in a room of its own: two agents writing in one
			// room at the same instant is not the common case being measured here.
			run: async (client) => {
				const text = `agent says ${textSeq++}`;
				const received = bench.webhookFor(text);
				await bench.agentSays(pool()[client % pool().length].rid, text);
				await received;
			},
		},
	};
}

/** The same operations, each on a random one of many tickets (the scaling runs are single-client). */
export function randomTicketOperations(bench, tickets) {
	const pick = () => tickets[Math.floor(Math.random() * tickets.length)];
	let textSeq = 0;
	return {
		visitorMessage: { key: 'visitor-message', run: () => bench.visitorMessage(pick().token, `contact says scaled ${textSeq++}`) },
		agentMessage: {
			key: 'agent-message',
			run: async () => {
				const text = `agent says scaled ${textSeq++}`;
				const received = bench.webhookFor(text);
				await bench.agentSays(pick().rid, text);
				await received;
			},
		},
	};
}

/**
 * Opens `count` tickets with 16 concurrent RapidPro clients; `first` numbers them.
 * @returns {Promise<import('./BenchHost.mjs').OpenTicket[]>}
 */
export async function openTickets(bench, count, first, clients = 16) {
	const out = new Array(count);
	let next = 0;
	await Promise.all(Array.from({ length: Math.min(clients, count) }, async () => {
		while (next < count) {
			const i = next++;
			out[i] = await bench.openRoom(`bench-ticket-${first + i}`, String(first + i));
		}
	}));
	return out;
}
