// The page: log in, then three views chosen by the URL's hash.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, html, session } from './api.js';
import { Console } from './console.js';
import { Admin } from './admin.js';
import { Simulator } from './simulator.js';

const VIEWS = [
	{ hash: '#console', title: 'Agent console', View: Console },
	{ hash: '#admin', title: 'Administration › Apps › Tickets', View: Admin },
	{ hash: '#simulator', title: 'RapidPro simulator', View: Simulator },
];

function Login({ onLogin }) {
	const [error, setError] = useState('');
	const submit = async (e) => {
		e.preventDefault();
		const form = new FormData(e.target);
		try {
			const res = await api('POST', '/api/v1/login', { username: form.get('username'), password: form.get('password') });
			session.set({ userId: res.data.userId, authToken: res.data.authToken, username: res.data.me?.username });
			onLogin();
		} catch (err) {
			setError(String(err.message));
		}
	};
	return html`<main class="login">
		<h1>Tickets — development host</h1>
		<form onSubmit=${submit} aria-label="Log in">
			<label>Username <input name="username" id="login-username" autocomplete="username" required autofocus /></label>
			<label>Password <input name="password" id="login-password" type="password" autocomplete="current-password" required /></label>
			<button type="submit">Log in</button>
			${error && html`<p role="alert" class="error">${error}</p>`}
		</form>
	</main>`;
}

function App() {
	const [loggedIn, setLoggedIn] = useState(!!session.get());
	const [hash, setHash] = useState(location.hash || '#console');
	useEffect(() => {
		const onHash = () => setHash(location.hash || '#console');
		addEventListener('hashchange', onHash);
		return () => removeEventListener('hashchange', onHash);
	}, []);
	useEffect(() => {
		// A log-in from an earlier run may be gone (a --fresh host): check it once.
		if (loggedIn) api('GET', '/api/v1/me').catch(() => (session.set(null), setLoggedIn(false)));
	}, [loggedIn]);
	if (!loggedIn) return html`<${Login} onLogin=${() => setLoggedIn(true)} />`;
	const view = VIEWS.find((v) => v.hash === hash) || VIEWS[0];
	const logout = () => (session.set(null), setLoggedIn(false));
	return html`<div class="shell">
		<header>
			<nav aria-label="Views">
				${VIEWS.map((v) => html`<a href=${v.hash} aria-current=${v === view ? 'page' : undefined}>${v.title}</a>`)}
			</nav>
			<span class="who">${session.get()?.username || ''} <button type="button" class="link" onClick=${logout}>Log out</button></span>
		</header>
		<main><h1>${view.title}</h1><${view.View} key=${view.hash} /></main>
	</div>`;
}

const root = /** @type {HTMLElement} */ (document.getElementById('root'));
root.textContent = ''; // the "Loading…" placeholder: render() would keep it beside the app
render(html`<${App} />`, root);
