// RapidPro simulator (host-only, /api/host/simulator/*): connect as RapidPro does, open tickets,
// write as the contact, close; the webhooks the app sends, live, and a switch to make them fail.
import { useEffect, useState } from 'preact/hooks';
import { api, fmtTime, html, session } from './api.js';
import { Media } from './media.js';

const MODE_LABELS = { ok: 'answer 200', down: 'down (connection dropped)', 500: 'answer 500', slow: 'slow' };

function useSimulatorState() {
	const [state, setState] = useState(null);
	useEffect(() => {
		const s = session.get();
		const source = new EventSource(`/api/host/simulator/events?rc_uid=${encodeURIComponent(s.userId)}&rc_token=${encodeURIComponent(s.authToken)}`);
		source.onmessage = (e) => setState(JSON.parse(e.data));
		return () => source.close();
	}, []);
	return state;
}

function useAction() {
	const [status, setStatus] = useState('');
	const run = async (what, fn) => {
		setStatus(`${what}…`);
		try {
			const res = await fn();
			setStatus(`${what}: ${res?.status ? `app answered ${res.status}${res.body && typeof res.body === 'object' ? ` ${JSON.stringify(res.body)}` : res.body ? ` ${res.body}` : ''}` : 'done'}`);
		} catch (e) {
			setStatus(`${what} failed: ${e.message}`);
		}
	};
	return [status, run];
}

function Connect({ state }) {
	const [status, run] = useAction();
	return html`<section aria-label="Connection">
		<h2>Ticketer</h2>
		${state.connected
			? html`<dl class="facts">
				<dt>Status</dt><dd id="sim-connected">connected</dd>
				<dt>Secret</dt><dd><code>${state.secret}</code></dd>
				<dt>App URL</dt><dd><code>${state.base}</code></dd>
				<dt>Callback URL</dt><dd><code>${state.callbackUrl}</code></dd>
			</dl>`
			: html`<p>Not connected. Connecting makes a secret as RapidPro does, saves it as the app's App Secret, checks it (<code>GET /secret.check</code>) and registers this simulator's callback (<code>PUT /settings</code>).</p>`}
		<button type="button" onClick=${() => run('Connect', () => api('POST', '/api/host/simulator/connect'))}>${state.connected ? 'Reconnect (new secret)' : 'Connect'}</button>
		<p role="status" class="status">${status}</p>
	</section>`;
}

function Switch({ state }) {
	const set = (mode) => api('POST', '/api/host/simulator/mode', { mode });
	return html`<fieldset class="switch">
		<legend>Callback answers</legend>
		${state.modes.map((m) => html`<label key=${m}><input type="radio" name="mode" value=${m} checked=${state.mode === m} onChange=${() => set(m)} /> ${m === 'slow' ? `slow (after ${state.slowMs / 1000} s)` : MODE_LABELS[m]}</label>`)}
	</fieldset>`;
}

function OpenTicket() {
	const [status, run] = useAction();
	const submit = (e) => {
		e.preventDefault();
		const f = e.target.elements;
		const customFields = Object.fromEntries(
			f.customFields.value.split('\n').map((l) => l.split('=')).filter(([k, v]) => k.trim() && v !== undefined).map(([k, ...v]) => [k.trim(), v.join('=').trim()]),
		);
		run('Open ticket', () => api('POST', '/api/host/simulator/tickets', { name: f.name.value, phone: f.phone.value, department: f.department.value, customFields, sessionStart: f.sessionStart.value }));
	};
	return html`<form class="grid" onSubmit=${submit} aria-label="Open a ticket">
		<h2>Open a ticket</h2>
		<label>Contact name <input name="name" id="sim-name" /></label>
		<label>Phone <input name="phone" id="sim-phone" type="tel" /></label>
		<label>Department <input name="department" id="sim-department" placeholder="id or name" /></label>
		<label>Session start <input name="sessionStart" placeholder="2020-07-17 10:28" /></label>
		<label class="wide">Custom fields (key=value, one a line) <textarea name="customFields" rows="2"></textarea></label>
		<button type="submit">Open ticket</button>
		<p role="status" class="status">${status}</p>
	</form>`;
}

function Ticket({ t }) {
	const [status, run] = useAction();
	const write = (e) => {
		e.preventDefault();
		const f = e.target.elements;
		const text = f.text.value;
		const file = f.file.files[0];
		run('Send', async () => {
			const attachments = [];
			if (file) {
				const form = new FormData();
				form.append('file', file, file.name);
				const up = await api('POST', '/api/host/simulator/files', form);
				attachments.push({ type: up.type, url: up.url });
			}
			const res = await api('POST', '/api/host/simulator/messages', { token: t.token, text, attachments });
			if (res.status === 201) e.target.reset();
			return res;
		});
	};
	return html`<li class="ticket" aria-label=${`Ticket of ${t.name || t.token}`}>
		<h3>${t.name || `contact ${t.token}`} <span class="badge">${t.open ? 'open' : 'closed'}</span></h3>
		<p class="meta">ticket ${t.ticketID} · token ${t.token} · room ${t.roomId}${t.department ? ` · ${t.department}` : ''}</p>
		<ol class="messages" aria-label="Conversation">
			${t.messages.map((m, i) => html`<li key=${i} class=${`msg ${m.from === 'contact' ? 'visitor' : 'agent'}`}>
				<span class="meta">${m.from} · ${fmtTime(m.at)}</span>${m.text && html`<p>${m.text}</p>`}
				${m.attachments.map((a, j) => html`<${Media} key=${j} type=${a.type} url=${a.url} />`)}
			</li>`)}
		</ol>
		${t.open &&
		html`<form class="row" onSubmit=${write}>
				<label class="grow">Contact writes <input name="text" autocomplete="off" /></label>
				<label>Attachment <input name="file" type="file" /></label>
				<button type="submit">Send as contact</button>
			</form>
			<button type="button" class="danger" onClick=${() => run('Close ticket', () => api('POST', '/api/host/simulator/close', { token: t.token }))}>Close ticket</button>`}
		<p role="status" class="status">${status}</p>
	</li>`;
}

function Webhooks({ state }) {
	return html`<section aria-label="Webhooks received">
		<h2>Webhooks received</h2>
		${state.webhooks.length === 0 && html`<p>None yet.</p>`}
		<ol class="webhooks">
			${state.webhooks.map((w) => html`<li key=${w.id} class=${`webhook ${/^2/.test(w.answer) ? 'ok' : 'failed'}`}>
				<p><strong>${w.type}</strong> · ${fmtTime(w.at)} · answered <span class="answer">${w.answer}</span></p>
				<pre>${JSON.stringify(w.payload, null, 1)}</pre>
			</li>`)}
		</ol>
	</section>`;
}

export function Simulator() {
	const state = useSimulatorState();
	if (!state) return html`<p>Connecting to the simulator…</p>`;
	return html`<div class="simulator">
		<div class="col">
			<${Connect} state=${state} />
			<${Switch} state=${state} />
			${state.connected && html`<${OpenTicket} />`}
			<section aria-label="Tickets"><h2>Tickets</h2><ul class="tickets">${state.tickets.map((t) => html`<${Ticket} key=${t.ticketID} t=${t} />`)}</ul></section>
		</div>
		<div class="col"><${Webhooks} state=${state} /></div>
	</div>`;
}
