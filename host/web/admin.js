// Administration › Apps › Tickets: settings (labels in the browser's language, saved with
// POST /api/apps/<id>/settings as Rocket.Chat's admin does), the app's logs, install/update by upload.
import { useEffect, useState } from 'preact/hooks';
import { api, html } from './api.js';

/** The app language closest to the browser's: exact (pt-BR), then the same base language (pt), else en. */
export function pickLanguage(available, wanted = navigator.languages || [navigator.language]) {
	for (const w of wanted) {
		const exact = available.find((l) => l.toLowerCase() === w.toLowerCase());
		if (exact) return exact;
		const base = available.find((l) => l.split('-')[0].toLowerCase() === w.split('-')[0].toLowerCase());
		if (base) return base;
	}
	return available.includes('en') ? 'en' : available[0];
}

function Settings({ app }) {
	const [settings, setSettings] = useState(null);
	const [texts, setTexts] = useState({});
	const [status, setStatus] = useState('');
	useEffect(() => {
		// A setting never saved has no value: Rocket.Chat's admin shows (and compares with) its packageValue.
		api('GET', `/api/apps/${app.id}/settings`).then((res) => setSettings(Object.values(res.settings).map((s) => ({ ...s, value: s.value ?? s.packageValue }))));
		api('GET', `/api/apps/${app.id}/languages`).then((res) => {
			const lang = pickLanguage(Object.keys(res.languages));
			setTexts({ lang, ...(res.languages.en || {}), ...(res.languages[lang] || {}) });
		});
	}, [app.id]);
	if (!settings) return html`<p>Loading settings…</p>`;
	const t = (key) => (key && texts[key]) || key || '';
	const save = async (e) => {
		e.preventDefault();
		const form = e.target.elements;
		const changed = settings
			.map((s) => ({ id: s.id, value: s.type === 'boolean' ? form[s.id].checked : s.type === 'int' || s.type === 'number' ? Number(form[s.id].value) : form[s.id].value }))
			.filter((s, i) => s.value !== settings[i].value);
		setStatus('Saving…');
		try {
			const res = await api('POST', `/api/apps/${app.id}/settings`, { settings: changed });
			setSettings(settings.map((s) => ({ ...s, ...(changed.find((c) => c.id === s.id) && { value: changed.find((c) => c.id === s.id).value }) })));
			setStatus(`Saved (${res.updated.length} changed)`);
		} catch (err) {
			setStatus(`Not saved: ${err.message}`);
		}
	};
	const input = (s) => {
		const common = { id: `setting-${s.id}`, name: s.id, 'aria-describedby': `setting-${s.id}-help` };
		if (s.type === 'boolean') return html`<input type="checkbox" ...${common} checked=${!!s.value} />`;
		if (s.type === 'select') return html`<select ...${common} value=${s.value}>${(s.values || []).map((o) => html`<option value=${o.key}>${t(o.i18nLabel)}</option>`)}</select>`;
		const type = s.type === 'password' ? 'password' : s.type === 'int' || s.type === 'number' ? 'number' : 'text';
		return html`<input type=${type} ...${common} value=${s.value ?? ''} placeholder=${t(s.i18nPlaceholder)} autocomplete="off" />`;
	};
	return html`<form class="settings" onSubmit=${save} aria-label="Settings" lang=${texts.lang}>
		${settings.map((s) => html`<div class="setting" key=${s.id}>
			<label for=${`setting-${s.id}`}>${t(s.i18nLabel)}${s.required ? ' *' : ''}</label>
			${input(s)}
			<small id=${`setting-${s.id}-help`}>${t(s.i18nDescription)}</small>
		</div>`)}
		<button type="submit">Save changes</button>
		<p role="status" class="status">${status}</p>
	</form>`;
}

function Logs({ app }) {
	const [logs, setLogs] = useState([]);
	const load = () => api('GET', `/api/apps/${app.id}/logs?count=50`).then((res) => setLogs(res.logs)).catch(() => {});
	useEffect(() => {
		load();
		const timer = setInterval(load, 2000);
		return () => clearInterval(timer);
	}, [app.id]);
	const text = (args) => (Array.isArray(args) ? args : [args]).map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ');
	const rows = logs.flatMap((l, i) => (l.entries || []).map((e, j) => ({ key: `${i}-${j}`, at: e.timestamp || l._createdAt, method: l.method, severity: e.severity, text: text(e.args) })));
	return html`<section aria-label="Logs">
		<h2>Logs <button type="button" onClick=${load}>Refresh</button></h2>
		<p class="hint">Newest first; the app's calls at debug level are left out.</p>
		<table class="logs">
			<thead><tr><th scope="col">Time</th><th scope="col">Method</th><th scope="col">Level</th><th scope="col">Message</th></tr></thead>
			<tbody>${rows.filter((r) => r.severity !== 'debug').slice(0, 100).map((r) => html`<tr key=${r.key} class=${r.severity}><td>${new Date(r.at).toLocaleTimeString()}</td><td>${r.method}</td><td>${r.severity}</td><td>${r.text}</td></tr>`)}</tbody>
		</table>
	</section>`;
}

function Install({ onInstalled }) {
	const [status, setStatus] = useState('');
	const submit = async (e) => {
		e.preventDefault();
		const file = e.target.elements.app.files[0];
		if (!file) return;
		const form = new FormData();
		form.append('app', file, file.name);
		setStatus('Uploading…');
		try {
			// POST /api/apps installs a new app, or updates the one with the zip's id.
			const res = await api('POST', '/api/apps', form);
			setStatus(`Installed ${res.app.name} ${res.app.version}: ${res.app.status}`);
			onInstalled();
		} catch (err) {
			setStatus(`Not installed: ${err.message}`);
		}
	};
	return html`<form class="row" onSubmit=${submit} aria-label="Install or update an app">
		<label>App zip <input type="file" name="app" id="app-zip" accept=".zip,application/zip" /></label>
		<button type="submit">Install or update</button>
		<p role="status" class="status">${status}</p>
	</form>`;
}

export function Admin() {
	const [apps, setApps] = useState(null);
	const [version, setVersion] = useState(0);
	useEffect(() => {
		api('GET', '/api/apps').then((res) => setApps(res.apps)).catch(() => setApps([]));
	}, [version]);
	if (!apps) return html`<p>Loading…</p>`;
	const app = apps.find((a) => a.name === 'Tickets') || apps[0];
	return html`<div class="admin">
		<section aria-label="App">
			${app ? html`<p><strong>${app.name}</strong> ${app.version} · <span class="badge">${app.status}</span> · id ${app.id}</p>` : html`<p>No app installed.</p>`}
			<${Install} onInstalled=${() => setVersion(version + 1)} />
		</section>
		${app && html`<h2>Settings</h2><${Settings} key=${`${app.id}-${version}`} app=${app} /><${Logs} app=${app} />`}
	</div>`;
}
