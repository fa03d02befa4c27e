// @ts-check
// The benchmark's smoke run (`node bench/run.mjs --quick`, a few seconds of
// work), so `npm run bench` cannot rot. It checks that every measurement
// happened and what each operation calls, never how fast anything was: this
// machine is shared, and timings belong to the full run.
// Needs the development host's bridge counters: skipped against a real server (E2E_URL).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './helpers/index.mjs';

const OPERATIONS = ['secret.check', 'visitor-message', 'room', 'room.close', 'agent-message'];

/** @returns {Promise<{ code: number|null, stdout: string, stderr: string }>} */
function runNode(args) {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (c) => (stdout += c));
		child.stderr.on('data', (c) => (stderr += c));
		child.on('error', reject);
		child.on('exit', (code) => resolve({ code, stdout, stderr }));
	});
}

const isNumber = (x) => typeof x === 'number' && Number.isFinite(x);

describe('npm run bench (smoke run)', { skip: process.env.E2E_URL ? 'the bench reads the development host\'s counters' : false }, () => {
	it('measures every operation, the scaling runs and the queue, and writes results with bridge-call counts', { timeout: 240000 }, async () => {
		const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-smoke-')), 'results.json');
		const run = await runNode([path.join(ROOT, 'bench/run.mjs'), '--quick', '--out', out]);
		assert.equal(run.code, 0, `bench failed:\n${run.stderr.slice(-3000)}`);
		assert.match(run.stdout, /\| operation\s+\| p50 ms/, 'prints the table');

		const r = JSON.parse(fs.readFileSync(out, 'utf8'));
		assert.equal(r.meta.mode, 'quick');
		for (const key of OPERATIONS) {
			const op = r.operations[key];
			assert.ok(op, `${key} measured`);
			for (const field of ['p50Ms', 'p95Ms', 'throughput1', 'throughput16', 'hostCalls', 'httpCalls']) {
				assert.ok(isNumber(op[field]), `${key}.${field} is a number (${op[field]})`);
			}
			for (const field of ['p50', 'p95', 'throughput1', 'throughput16']) {
				assert.ok(isNumber(op.ratioToFloor[field]) && op.ratioToFloor[field] > 0, `${key} ratio ${field} to the floor`);
			}
			assert.equal(typeof op.byMethod, 'object');
		}

		// What each operation calls on the host: the counts, not the timings.
		const calls = (key) => r.operations[key].byMethod;
		assert.ok(r.operations['secret.check'].hostCalls < 0.5, 'the floor does nothing but authenticate');
		assert.equal(calls('visitor-message')['LivechatBridge.createMessage'], 1);
		assert.equal(calls('room')['LivechatBridge.createRoom'], 1);
		assert.equal(calls('room.close')['LivechatBridge.closeRoom'], 1);
		assert.equal(r.operations['agent-message'].httpCalls, 1, 'one webhook request per agent message');
		assert.ok(r.operations['visitor-message'].hostCalls > 0 && r.operations['agent-message'].hostCalls > 0);

		for (const key of ['visitor-message', 'agent-message']) {
			const s = r.scaling.operations[key];
			assert.ok(isNumber(s.few.p50Ms) && isNumber(s.many.p50Ms) && isNumber(s.p50RatioToFloor), `${key} scaling figures`);
			// Counted host-wide: the app's once-a-minute sweep may add a fraction of a call to a short run.
			assert.ok(Math.abs(s.many.hostCalls - s.few.hostCalls) < 0.5, `${key} costs the same host calls with more open tickets (${s.few.hostCalls} → ${s.many.hostCalls})`);
		}
		assert.ok(r.scaling.bytesPerOpenTicket > 0, 'persisted bytes per open ticket');

		// The queue: what the protocol promises (nothing lost, order per ticket), not how fast it drains.
		const q = r.queue;
		assert.equal(q.drained, true, 'the backlog drained once RapidPro recovered');
		assert.equal(q.lost, 0);
		assert.equal(q.orderPreserved, true);
		assert.ok(isNumber(q.recoverToDrainedMs) && isNumber(q.hostCallsPerMessage) && isNumber(q.httpCallsPerMessage));

		assert.ok(Array.isArray(r.targets) && r.targets.every((t) => typeof t.met === 'boolean' && isNumber(t.value)), 'every target is checked');
	});
});
