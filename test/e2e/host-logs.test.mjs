// @ts-check
// How the host prints app log entries (host/storage/LogStorage.mjs), in-process:
// info and above by default, one line each; debug entries (the engine's
// per-call lines, request bodies included) only with HOST_DEBUG=1; the
// Authorization header redacted in what is printed and what is kept.
// `npm start`'s real output is checked in npm-start.test.mjs.
import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ROOT } from './helpers/index.mjs';

const { HostLogStorage } = await import(path.join(ROOT, 'host/storage/LogStorage.mjs'));

/** What the runtime stores for one endpoint call: its own debug lines around the app's info line. */
const endpointCall = () => ({
	appId: 'app-1',
	method: 'api:room:get',
	entries: [
		{ severity: 'debug', timestamp: new Date(), args: ["room's api:room:get is being executed...", { method: 'get', headers: { authorization: 'Token SECRET123' }, content: { ticketID: 'T-1', visitor: { token: '42' } } }] },
		{ severity: 'info', timestamp: new Date(), args: ['ticket T-1 opened room R1'] },
		{ severity: 'error', timestamp: new Date(), args: ['failed:', { reason: 'a\nmultiline\n  reason', nested: { deep: true } }] },
		{ severity: 'debug', timestamp: new Date(), args: ["room's api:room:get was successfully executed."] },
	],
});

function storage() {
	/** @type {string[]} */
	const printed = [];
	return { printed, logs: new HostLogStorage({ print: (line) => printed.push(line), appName: () => 'Tickets' }) };
}

describe('the host\'s app log output', () => {
	const saved = process.env.HOST_DEBUG;
	afterEach(() => {
		if (saved === undefined) delete process.env.HOST_DEBUG;
		else process.env.HOST_DEBUG = saved;
	});

	it('prints info and above, one line per entry, and keeps every entry', async () => {
		delete process.env.HOST_DEBUG;
		const { printed, logs } = storage();
		await logs.storeEntries(endpointCall());
		assert.deepEqual(printed, [
			'[app Tickets] INFO api:room:get: ticket T-1 opened room R1',
			"[app Tickets] ERROR api:room:get: failed: { reason: 'a\\nmultiline\\n  reason', nested: { deep: true } }",
		]);
		assert.equal(logs.flat().length, 4, 'debug entries are kept for tests and the logs API');
	});

	it('prints the debug entries too with HOST_DEBUG=1, the Authorization header redacted', async () => {
		process.env.HOST_DEBUG = '1';
		const { printed, logs } = storage();
		await logs.storeEntries(endpointCall());
		assert.equal(printed.length, 4);
		assert.match(printed[0], /^\[app Tickets\] DEBUG api:room:get: room's api:room:get is being executed\.\.\. \{.*authorization: '\[REDACTED\]'.*\}$/);
		assert.ok(!printed.join('\n').includes('SECRET123'), 'not printed');
		assert.ok(!JSON.stringify(logs.flat()).includes('SECRET123'), 'not kept');
	});

	it('prints an entry whose text holds line breaks on one line', async () => {
		delete process.env.HOST_DEBUG;
		const { printed, logs } = storage();
		await logs.storeEntries({ appId: 'app-1', method: 'runtime:restart', entries: [{ severity: 'info', timestamp: new Date(), args: ['{\n  msg: "Starting restart",\n  pid: 1\n}'] }] });
		assert.deepEqual(printed, ['[app Tickets] INFO runtime:restart: { msg: "Starting restart", pid: 1 }']);
	});
});
