// @ts-check
// The browser page at the host's root URL, driven in headless Chromium (Debian's `chromium`,
// through puppeteer-core) through a whole ticket, each step checked on what a person sees:
// connect the RapidPro simulator, open a ticket, the contact writes with an image, the agent
// answers with a file, the callback fails (500, then down) and recovers and the queued reply arrives, the agent
// closes, the simulator sees close-room. Then the admin view in Portuguese, an app update by
// upload, and the page again after a restart on the same data.
// Screenshots of the three views go to docs/ with UPDATE_SCREENSHOTS=1 (else a temp folder).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import puppeteer from 'puppeteer-core';
import { ensurePackaged, http, login, startHostProcess, ROOT } from './helpers/index.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const SHOTS = process.env.UPDATE_SCREENSHOTS === '1' ? path.join(ROOT, 'docs') : fs.mkdtempSync(path.join(os.tmpdir(), 'browser-shots-'));
const TIMEOUT = 15000;

/** Waits until the element matching `selector` shows text matching `re`; returns that text. */
async function waitText(page, selector, re, timeout = TIMEOUT) {
	try {
		await page.waitForFunction((sel, src, flags) => [...document.querySelectorAll(sel)].some((el) => new RegExp(src, flags).test(el.textContent || '')), { timeout, polling: 100 }, selector, re.source, re.flags);
	} catch {
		const seen = await page.$$eval(selector, (els) => els.map((e) => e.textContent).join(' | ')).catch(() => '(none)');
		throw new Error(`no ${selector} showing ${re} within ${timeout} ms; it shows: ${seen.slice(0, 1500)}`);
	}
	return page.$$eval(selector, (els, src, flags) => els.map((e) => e.textContent || '').find((t) => new RegExp(src, flags).test(t)), re.source, re.flags);
}

/** A screenshot of the page as a person sees it (brought to the front: a background tab does not paint). */
async function shot(page, name) {
	await page.bringToFront();
	await page.screenshot({ path: path.join(SHOTS, name), fullPage: true });
}

/**
 * Clicks the button whose text matches `re` inside `scope` (a selector), once the page shows
 * it enabled: a view renders after its data arrives (the simulator after its first event),
 * later on a loaded machine, so the button is waited for, never assumed to be there.
 */
async function clickButton(page, scope, re, timeout = TIMEOUT) {
	await page.bringToFront(); // a background tab gets no input events
	const find = (sel, src, flags) => [...document.querySelectorAll(`${sel} button`)].find((b) => !(/** @type {HTMLButtonElement} */ (b).disabled) && new RegExp(src, flags).test(b.textContent || ''));
	const handle = await page.waitForFunction(find, { timeout, polling: 100 }, scope, re.source, re.flags).catch(async () => {
		const seen = await page.$$eval(`${scope} button`, (els) => els.map((e) => e.textContent).join(' | ')).catch(() => '(none)');
		throw new Error(`no button ${re} in ${scope} within ${timeout} ms; buttons there: ${seen || '(none)'}`);
	});
	return /** @type {import('puppeteer-core').ElementHandle<Element>} */ (handle).click();
}

/** Logs in on the page's form with the keyboard only. */
async function logIn(page) {
	await page.bringToFront();
	await page.waitForSelector('#login-username', { timeout: TIMEOUT });
	await page.type('#login-username', 'admin');
	await page.type('#login-password', 'admin');
	await page.keyboard.press('Enter');
	await waitText(page, 'header nav', /Agent console/);
}

describe('the browser page (agent console, Apps admin, RapidPro simulator)', { timeout: 180000 }, () => {
	let host;
	let browser;
	let configDir;
	/** @type {import('puppeteer-core').Page} */
	let agent;
	/** @type {import('puppeteer-core').Page} */
	let sim;
	let imagePath;
	let pdfPath;

	before(async () => {
		// Not a skip: a machine without the browser fails here, saying what to install (.ci/run does).
		assert.ok(fs.existsSync(CHROMIUM), `Chromium not found at ${CHROMIUM}: install Debian's package (apt-get install -y chromium) or set CHROMIUM_PATH`);
		configDir = fs.mkdtempSync(path.join(os.tmpdir(), 'browser-config-'));
		const config = path.join(configDir, 'host.json');
		fs.writeFileSync(config, JSON.stringify({ departments: [{ _id: 'dep-sales', name: 'Sales' }], customFields: [{ _id: 'cpf', label: 'CPF', scope: 'visitor' }] }));
		imagePath = path.join(configDir, 'photo.png');
		await sharp({ create: { width: 120, height: 80, channels: 3, background: { r: 200, g: 40, b: 40 } } }).png().toFile(imagePath);
		pdfPath = path.join(configDir, 'invoice.pdf');
		fs.writeFileSync(pdfPath, '%PDF-1.4\n% a tiny file for the test\n');
		// A new, empty data folder; later tests restart on the same data, then with --fresh.
		host = await startHostProcess({ args: ['--config', config] });
		browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--lang=en-US', '--disable-background-timer-throttling', '--disable-renderer-backgrounding', '--disable-backgrounding-occluded-windows'] });
		agent = await browser.newPage();
		await agent.setViewport({ width: 1280, height: 860 });
	});

	after(async () => {
		await browser?.close();
		if (host) await host.stop();
		if (configDir) fs.rmSync(configDir, { recursive: true, force: true });
	});

	it('logs in, then shows the three views in its navigation', async () => {
		await agent.goto(host.url, { waitUntil: 'load' });
		await logIn(agent);
		const nav = await waitText(agent, 'header nav', /Agent console/);
		assert.match(nav, /Administration › Apps › Tickets/);
		assert.match(nav, /RapidPro simulator/);
		await waitText(agent, 'main', /No livechat rooms yet/);
	});

	it('carries a ticket both ways: contact with an image, agent with a file, a failing callback drained, the close', async () => {
		sim = await browser.newPage(); // same browser: the log-in is shared, as tabs share it
		await sim.setViewport({ width: 1280, height: 1000 });
		await sim.goto(`${host.url}/#simulator`, { waitUntil: 'load' });
		await waitText(sim, 'main', /Not connected/);

		// Connect: a RapidPro secret saved as the App Secret, checked, the callback registered.
		await clickButton(sim, 'section[aria-label="Connection"]', /^Connect$/);
		await waitText(sim, '#sim-connected', /connected/);
		const secret = await sim.$eval('section[aria-label="Connection"] code', (c) => c.textContent || '');
		assert.match(secret, /^[23456789ABCDEFGHJKLMNPQRSTUVWXYZ]{32}$/);
		const auth = await login(host.url);
		const settings = (await http(`${host.url}/api/apps/${host.appId}/settings`, { headers: auth.headers })).json.settings;
		assert.equal(settings.app_secret.value, secret, 'the secret shown is the one saved in the app');

		// Open a ticket for a contact.
		await sim.type('#sim-name', 'Ana Souza');
		await sim.type('#sim-phone', '+5511999990000');
		await sim.type('#sim-department', 'Sales');
		await sim.type('form[aria-label="Open a ticket"] textarea', 'cpf=123.456.789-00');
		await clickButton(sim, 'form[aria-label="Open a ticket"]', /Open ticket/);
		await waitText(sim, 'form[aria-label="Open a ticket"] [role=status]', /app answered 200/);
		const ticketCard = await waitText(sim, 'li.ticket', /Ana Souza\s*open/);
		const token = /token (\d+)/.exec(ticketCard)?.[1];
		assert.ok(token, ticketCard);

		// The contact writes with an image.
		await sim.type('li.ticket input[name=text]', 'Olá, preciso de ajuda');
		const fileInput = await sim.$('li.ticket input[type=file]');
		await /** @type {any} */ (fileInput).uploadFile(imagePath);
		await clickButton(sim, 'li.ticket', /Send as contact/);
		await waitText(sim, 'li.ticket [role=status]', /app answered 201/);

		// The agent sees the room appear (no reload), with visitor, token, department, and the image.
		const roomButton = await waitText(agent, 'ul.rooms button', /Ana Souza\s*open/);
		assert.match(roomButton, new RegExp(`token ${token}`));
		assert.match(roomButton, /Sales/);
		await clickButton(agent, 'ul.rooms', /Ana Souza/);
		await waitText(agent, '.room-view dl', /Sales/);
		await waitText(agent, '.room-view dl', /123\.456\.789-00/);
		await waitText(agent, '.messages', /Olá, preciso de ajuda/);
		await agent.waitForFunction(() => [...document.querySelectorAll('.messages img')].some((i) => /** @type {HTMLImageElement} */ (i).complete && /** @type {HTMLImageElement} */ (i).naturalWidth === 120), { timeout: TIMEOUT });

		// The agent answers with a file; the simulator receives it (webhook answered 200, file in the conversation).
		const upload = await agent.$('#upload-file');
		await /** @type {any} */ (upload).uploadFile(pdfPath);
		await clickButton(agent, '.room-view', /^Upload$/);
		await waitText(agent, '.messages a', /invoice\.pdf/);
		await waitText(sim, '.webhook', /agent-message[\s\S]*answered 200[\s\S]*invoice\.pdf/);
		await waitText(sim, 'li.ticket .messages a', /invoice\.pdf/);
		await shot(agent, 'browser-console.png');

		// The callback fails (500, then down): the reply is queued and retried; back to 200, the queue drains.
		await sim.bringToFront();
		await sim.click('input[name=mode][value="500"]');
		await waitText(sim, '.switch', /answer 500/);
		await agent.bringToFront();
		await agent.type('#reply', 'Pode pagar pelo link :smile:');
		await agent.keyboard.press('Enter');
		await waitText(agent, '.messages', /Pode pagar pelo link/);
		await waitText(sim, '.webhook.failed', /agent-message[\s\S]*answered 500/, 30000);
		assert.doesNotMatch(await sim.$eval('li.ticket .messages', (e) => e.textContent || ''), /Pode pagar/, 'not delivered while failing');
		// Down: the retry finds the connection dropped, and the reply stays queued.
		await sim.bringToFront();
		await sim.click('input[name=mode][value="down"]');
		await waitText(sim, '.webhook.failed', /agent-message[\s\S]*answered connection dropped[\s\S]*Pode pagar/, 30000);
		assert.doesNotMatch(await sim.$eval('li.ticket .messages', (e) => e.textContent || ''), /Pode pagar/, 'not delivered while down');
		await sim.bringToFront();
		await sim.click('input[name=mode][value="ok"]');
		await waitText(sim, 'li.ticket .messages', /Pode pagar pelo link 😄/, 40000);
		await waitText(sim, '.webhook.ok', /agent-message[\s\S]*answered 200[\s\S]*Pode pagar pelo link/);

		// The agent closes: the console shows it closed, the simulator gets close-room and closes the ticket.
		await clickButton(agent, '.room-view', /Close room/);
		await waitText(agent, '.room-view', /This room is closed/);
		await waitText(agent, 'ul.rooms button', /Ana Souza\s*closed/);
		await waitText(sim, '.webhook.ok', /close-room[\s\S]*answered 200/, 30000);
		await waitText(sim, 'li.ticket h3', /Ana Souza\s*closed/);
		await shot(sim, 'browser-simulator.png');
	});

	it('shows the app settings in the browser language, saves them, lists logs newest first, updates the app by upload', async () => {
		const pt = JSON.parse(fs.readFileSync(path.join(ROOT, 'i18n/pt-BR.json'), 'utf8'));
		const admin = await browser.newPage();
		await admin.setViewport({ width: 1280, height: 1000 });
		await admin.evaluateOnNewDocument(() => {
			Object.defineProperty(navigator, 'language', { get: () => 'pt-BR' });
			Object.defineProperty(navigator, 'languages', { get: () => ['pt-BR', 'pt'] });
		});
		await admin.goto(`${host.url}/#admin`, { waitUntil: 'load' });
		await waitText(admin, 'label[for="setting-app_secret"]', new RegExp(pt.app_secret_label));
		await waitText(admin, 'label[for="setting-history_hours"]', new RegExp(pt.history_hours_label.replace(/[()]/g, '\\$&')));

		// Save through the same REST path as Rocket.Chat's admin.
		await admin.click('#setting-history_hours', { clickCount: 3 });
		await admin.type('#setting-history_hours', '12');
		await clickButton(admin, 'form.settings', /Save/);
		await waitText(admin, 'form.settings [role=status]', /Saved \(1 changed\)/);
		const auth = await login(host.url);
		const settings = (await http(`${host.url}/api/apps/${host.appId}/settings`, { headers: auth.headers })).json.settings;
		assert.equal(settings.history_hours.value, 12);

		// Logs, newest first: the close is listed above the open.
		const logs = await waitText(admin, 'table.logs', /closed in Rocket\.Chat/);
		assert.ok(logs.indexOf('closed in Rocket.Chat') < logs.indexOf('opened room'), 'newest first');
		await shot(admin, 'browser-admin.png');

		// Install or update by uploading the app zip.
		const zip = await ensurePackaged();
		const input = await admin.$('#app-zip');
		await /** @type {any} */ (input).uploadFile(zip);
		await clickButton(admin, 'form[aria-label="Install or update an app"]', /Install or update/);
		await waitText(admin, 'form[aria-label="Install or update an app"] [role=status]', /Installed Tickets \d+\.\d+\.\d+: \w*enabled/, 60000);
		await admin.close();
	});

	it('answers the REST paths the page adds as Rocket.Chat does (languages, logs, departments) and keeps the simulator to admins', async () => {
		const auth = await login(host.url);
		const get = (p, headers = auth.headers) => http(`${host.url}${p}`, { headers });

		// languages: no log-in needed; the app's i18n files by language.
		const langs = await get(`/api/apps/${host.appId}/languages`, {});
		assert.equal(langs.status, 200);
		assert.deepEqual(Object.keys(langs.json.languages).sort(), ['en', 'es', 'pt-br'], 'the engine stores language keys lower-case');
		assert.equal(langs.json.languages.en.app_secret_label, 'App Secret');
		assert.equal((await get('/api/apps/not-an-app/languages', {})).status, 404);

		// logs: log-in and manage-apps; one entry per call into the app, newest first; offset/count.
		assert.equal((await get(`/api/apps/${host.appId}/logs`, {})).status, 401);
		const logs = (await get(`/api/apps/${host.appId}/logs`)).json.logs;
		assert.ok(logs.length > 3);
		assert.ok(logs.every((l) => l.appId === host.appId && Array.isArray(l.entries)));
		const times = logs.map((l) => new Date(l._createdAt).getTime());
		assert.deepEqual(times, [...times].sort((a, b) => b - a), 'newest first');
		const second = (await get(`/api/apps/${host.appId}/logs?offset=1&count=1`)).json.logs;
		assert.equal(second.length, 1);
		assert.equal(second[0]._createdAt, logs[1]._createdAt);
		assert.equal((await get('/api/apps/not-an-app/logs')).status, 404);

		// livechat/department: paginated as Rocket.Chat answers it.
		const deps = (await get('/api/v1/livechat/department')).json;
		assert.deepEqual(deps.departments.map((d) => [d._id, d.name]), [['dep-sales', 'Sales']]);
		assert.deepEqual([deps.count, deps.offset, deps.total, deps.success], [1, 0, 1, true]);

		// The simulator (host-only) needs an admin; its callback answers 401 to a wrong token.
		assert.equal((await http(`${host.url}/api/host/simulator`, {})).status, 401);
		assert.equal((await http(`${host.url}/api/host/simulator/mode`, { method: 'POST', headers: auth.headers, json: { mode: 'sideways' } })).status, 400);
		const post = (p, json) => http(`${host.url}/api/host/simulator/${p}`, { method: 'POST', headers: auth.headers, json });
		assert.equal((await post('tickets', [1])).status, 400, 'a body that is not an object');
		assert.equal((await post('tickets', { customFields: 'cpf=1' })).status, 400, 'custom fields that are not an object');
		assert.equal((await post('messages', { token: 'nobody', text: 'hi' })).status, 404, 'a contact without a ticket');
		const state = (await get('/api/host/simulator')).json;
		const wrong = await http(state.callbackUrl, { method: 'POST', headers: { Authorization: 'Token nope' }, json: { type: 'close-room' } });
		assert.equal(wrong.status, 401);
	});

	it('works again after a restart on the same data: rooms, messages and files from the earlier run', async () => {
		await host.restart();
		await agent.reload({ waitUntil: 'load' });
		await logIn(agent); // the host keeps log-ins in memory, as a restarted Rocket.Chat would not: the page asks again
		await clickButton(agent, 'ul.rooms', /Ana Souza\s*closed/);
		await waitText(agent, '.messages', /Olá, preciso de ajuda[\s\S]*invoice\.pdf[\s\S]*Pode pagar pelo link/);
		await waitText(agent, '.room-view', /This room is closed/);
		await sim.reload({ waitUntil: 'load' });
		await waitText(sim, 'main', /Not connected/);
		await clickButton(sim, 'section[aria-label="Connection"]', /^Connect$/);
		await waitText(sim, '#sim-connected', /connected/);
	});

	it('works with a host started with --fresh: no rooms, the simulator connects again', async () => {
		await host.restart({ args: ['--fresh'] });
		await agent.reload({ waitUntil: 'load' });
		await logIn(agent);
		await waitText(agent, 'main', /No livechat rooms yet/);
		await sim.reload({ waitUntil: 'load' });
		await waitText(sim, 'main', /Not connected/);
		await clickButton(sim, 'section[aria-label="Connection"]', /^Connect$/);
		await waitText(sim, '#sim-connected', /connected/);
	});
});
