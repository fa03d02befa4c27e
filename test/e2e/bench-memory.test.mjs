// @ts-check
// How the soak judges memory (bench/memory.mjs): flat or growing over the last
// 10 minutes, from samples, whatever a garbage collection does to one of them.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatMemory, growth, memoryReport, phases } from '../../bench/memory.mjs';

/** Samples every 5 s over `seconds`, in kB, from a function of time giving MB. */
const series = (seconds, mbAt) => Array.from({ length: Math.floor(seconds / 5) + 1 }, (_, i) => ({ t: i * 5, kb: mbAt(i * 5) * 1024 }));
/** A garbage-collection sawtooth of ±10 % around a level. */
const sawtooth = (level) => (t) => level * (0.9 + 0.2 * ((t % 40) / 40));

describe('soak memory verdict', () => {
	it('judges the last 10 minutes of a long run, the last half of a short one, after a warm-up of at most 5 minutes', () => {
		assert.deepEqual(phases(1500), { warmupEnd: 300, windowStart: 900, end: 1500, span: 60 });
		assert.deepEqual(phases(1200), { warmupEnd: 300, windowStart: 600, end: 1200, span: 60 });
		assert.deepEqual(phases(60), { warmupEnd: 15, windowStart: 30, end: 60, span: 6 });
	});

	it('passes a process that grew during warm-up and then stayed flat, through its GC sawtooth', () => {
		const m = growth(series(1500, (t) => (t < 600 ? 50 + t / 6 : 150) * (0.9 + 0.2 * ((t % 40) / 40))), 1500);
		assert.equal(m.pass, true);
		assert.ok(Math.abs(/** @type {number} */ (m.growthPercent)) < 5, `growth ${m.growthPercent}`);
		assert.ok(/** @type {number} */ (m.warmupEndMb) > 90 && /** @type {number} */ (m.warmupEndMb) < 110, `warm-up level ${m.warmupEndMb}`);
		assert.ok(/** @type {number} */ (m.windowStartMb) > 140 && /** @type {number} */ (m.windowStartMb) < 160);
		assert.deepEqual(m.window, { from: 900, to: 1500 });
	});

	it('fails a process that keeps growing over the last 10 minutes', () => {
		const m = growth(series(1500, (t) => 100 + t / 30), 1500); // +20 MB over the window, from 130 MB: medians 131 → 149 MB
		assert.equal(m.pass, false);
		assert.equal(m.growthPercent, 13.7);
		assert.ok(Math.abs(m.slopeMbPerMin - 2) < 0.01, `slope ${m.slopeMbPerMin} MB/min`);
	});

	it('is not fooled by one high or low sample at either end of the window', () => {
		const samples = series(1500, () => 100);
		samples[samples.length - 1].kb = 200 * 1024;
		samples[180].kb = 10 * 1024; // t = 900, the window's first sample
		assert.equal(growth(samples, 1500).pass, true);
		assert.equal(growth(samples, 1500).growthPercent, 0);
	});

	it('does not judge a runtime whose samples do not cover the window (restarted, new pid)', () => {
		const late = series(1500, () => 80).filter((s) => s.t >= 1200);
		const m = growth(late, 1500);
		assert.equal(m.pass, null);
		assert.equal(m.growthPercent, null);
		assert.equal(m.windowStartMb, null);
	});

	it('reports every process by name, and prints PASS or FAIL with the figures', () => {
		const report = memoryReport({ 'host rss': series(1500, sawtooth(200)), 'runtime 42 rss': series(1500, (t) => 100 + t / 30) }, 1500);
		assert.deepEqual(Object.keys(report), ['host rss', 'runtime 42 rss']);
		const lines = formatMemory(report);
		assert.match(lines[0], /host rss .* PASS/);
		assert.match(lines[1], /runtime 42 rss .* 131 → 149 MB over 900–1500 s: \+13\.7 % .* FAIL/);
	});
});
