// Agent console: livechat rooms (open and closed), a room's messages, reply, upload, close.
// Rocket.Chat pushes changes over its realtime API; this page polls the REST paths instead,
// often enough that new rooms and messages show within a second.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, fmtTime, html } from './api.js';
import { Attachment } from './media.js';

const POLL_MS = 500;

function usePoll(fn, deps) {
	useEffect(() => {
		let stop = false;
		let timer;
		const tick = async () => {
			try {
				await fn();
			} catch {
				// shown by the next successful poll; a failed poll is not worth an alert
			}
			if (!stop) timer = setTimeout(tick, POLL_MS);
		};
		tick();
		return () => ((stop = true), clearTimeout(timer));
	}, deps);
}

function RoomList({ rooms, departments, selected, onSelect }) {
	if (!rooms.length) return html`<p>No livechat rooms yet. Open a ticket from the <a href="#simulator">RapidPro simulator</a>.</p>`;
	return html`<ul class="rooms" aria-label="Livechat rooms">
		${rooms.map((r) => html`<li key=${r._id}>
			<button type="button" class=${`room ${r.open ? 'open' : 'closed'}`} aria-pressed=${r._id === selected} data-rid=${r._id} onClick=${() => onSelect(r._id)}>
				<strong>${r.fname || r.v?.name || r.v?.username}</strong> <span class="badge">${r.open ? 'open' : 'closed'}</span>
				<span class="meta">token ${r.v?.token} · ${departments[r.departmentId] || r.departmentId || 'no department'}</span>
			</button>
		</li>`)}
	</ul>`;
}

function Message({ m }) {
	if (m.t) return html`<li class="system">${fmtTime(m.ts)} · ${m.t}${m.msg ? `: ${m.msg}` : ''}</li>`;
	const who = m.token ? 'visitor' : 'agent';
	return html`<li class=${`msg ${who}`}>
		<span class="meta">${m.alias || m.u?.name || m.u?.username} · ${fmtTime(m.ts)}</span>
		${m.msg && html`<p>${m.msg}</p>`}
		${(m.attachments || []).map((a, i) => html`<${Attachment} key=${i} a=${a} />`)}
	</li>`;
}

function Room({ room, departments }) {
	const [messages, setMessages] = useState({});
	const [status, setStatus] = useState('');
	const since = useRef(new Date(0).toISOString());
	const list = useRef(null);
	useEffect(() => ((since.current = new Date(0).toISOString()), setMessages({})), [room._id]);
	usePoll(async () => {
		const res = await api('GET', `/api/v1/chat.syncMessages?roomId=${encodeURIComponent(room._id)}&lastUpdate=${encodeURIComponent(since.current)}`);
		if (!res.result.updated.length) return;
		since.current = res.result.updated.reduce((max, m) => ((m._updatedAt || m.ts) > max ? m._updatedAt || m.ts : max), since.current);
		setMessages((old) => ({ ...old, ...Object.fromEntries(res.result.updated.map((m) => [m._id, m])) }));
	}, [room._id]);
	const sorted = Object.values(messages).sort((a, b) => (a.ts < b.ts ? -1 : 1));
	useEffect(() => list.current?.lastElementChild?.scrollIntoView({ block: 'nearest' }), [sorted.length]);

	const run = async (what, fn) => {
		setStatus(`${what}…`);
		try {
			await fn();
			setStatus(`${what}: done`);
		} catch (e) {
			setStatus(`${what} failed: ${e.message}`);
		}
	};
	const reply = (e) => {
		e.preventDefault();
		const input = e.target.elements.msg;
		const msg = input.value.trim();
		if (!msg) return;
		run('Send', async () => {
			await api('POST', '/api/v1/chat.sendMessage', { message: { rid: room._id, msg } });
			input.value = '';
		});
	};
	const upload = (e) => {
		e.preventDefault();
		const input = e.target.elements.file;
		const file = input.files[0];
		if (!file) return;
		run('Upload', async () => {
			// Rocket.Chat 7.x and 8.x: rooms.media stores the file, rooms.mediaConfirm posts it.
			const form = new FormData();
			form.append('file', file, file.name);
			const { file: stored } = await api('POST', `/api/v1/rooms.media/${room._id}`, form);
			await api('POST', `/api/v1/rooms.mediaConfirm/${room._id}/${stored._id}`, { msg: '', description: e.target.elements.description.value });
			input.value = '';
			e.target.elements.description.value = '';
		});
	};
	const close = (e) => {
		e.preventDefault();
		run('Close', () => api('POST', '/api/v1/livechat/room.closeByUser', { rid: room._id, comment: e.target.elements.comment.value || undefined }));
	};
	const [visitorFields, setVisitorFields] = useState({});
	useEffect(() => {
		setVisitorFields({});
		if (room.v?._id) api('GET', `/api/v1/livechat/visitors.info?visitorId=${encodeURIComponent(room.v._id)}`).then((res) => setVisitorFields(res.visitor.livechatData || {})).catch(() => {});
	}, [room._id]);
	const fields = Object.entries({ ...visitorFields, ...(room.livechatData || {}) });
	return html`<section class="room-view" aria-label="Room">
		<h2>${room.fname || room.v?.name} <span class="badge">${room.open ? 'open' : 'closed'}</span></h2>
		<dl class="facts">
			<dt>Visitor token</dt><dd>${room.v?.token}</dd>
			<dt>Department</dt><dd>${departments[room.departmentId] || room.departmentId || '—'}</dd>
			<dt>Ticket</dt><dd>${room.source?.label || room.source?.type || '—'} · room ${room._id}</dd>
			${fields.map(([k, v]) => html`<dt>${k}</dt><dd>${String(v)}</dd>`)}
		</dl>
		<ol class="messages" ref=${list} aria-label="Messages" aria-live="polite">${sorted.map((m) => html`<${Message} key=${m._id} m=${m} />`)}</ol>
		${room.open
			? html`<div class="actions">
				<form onSubmit=${reply} class="row"><label class="grow">Reply <input name="msg" id="reply" autocomplete="off" /></label><button type="submit">Send</button></form>
				<form onSubmit=${upload} class="row"><label>File <input name="file" id="upload-file" type="file" /></label><label class="grow">Description <input name="description" /></label><button type="submit">Upload</button></form>
				<form onSubmit=${close} class="row"><label class="grow">Closing comment <input name="comment" /></label><button type="submit" class="danger">Close room</button></form>
			</div>`
			: html`<p>This room is closed${room.closer ? ` by the ${room.closer}` : ''}.</p>`}
		<p role="status" class="status">${status}</p>
	</section>`;
}

export function Console() {
	const [rooms, setRooms] = useState([]);
	const [departments, setDepartments] = useState({});
	const [selected, setSelected] = useState('');
	useEffect(() => {
		api('GET', '/api/v1/livechat/department?count=100').then((res) => setDepartments(Object.fromEntries(res.departments.map((d) => [d._id, d.name])))).catch(() => {});
	}, []);
	usePoll(async () => setRooms((await api('GET', '/api/v1/livechat/rooms?count=100')).rooms), []);
	const room = rooms.find((r) => r._id === selected);
	return html`<div class="console">
		<${RoomList} rooms=${rooms} departments=${departments} selected=${selected} onSelect=${setSelected} />
		${room ? html`<${Room} room=${room} departments=${departments} />` : html`<p class="hint">Choose a room.</p>`}
	</div>`;
}
