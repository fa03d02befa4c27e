// @ts-check
// Memory of the soak's processes: reading it (/proc) and judging it (pure functions).
// A process "stays flat" when its level at the end of the run is within LIMIT_PERCENT
// of its level when the judged window began: the last 10 minutes, or the last half of
// a run shorter than 20 minutes. Levels are medians over a short span, not single
// samples: RSS and the V8 heap move with every garbage collection.
import fs from 'node:fs';

/** Growth allowed over the judged window (issue 12). */
export const LIMIT_PERCENT = 5;
/** The judged window of a long run. */
export const WINDOW_SECONDS = 600;

/** Resident memory (kB) of a process, or 0 once it is gone. */
export function rssKb(pid) {
	try {
		return Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] || 0);
	} catch {
		return 0;
	}
}

/** Child pids of a process (the host's children are its app runtimes, one Deno process per instance). */
export function childrenOf(pid) {
	try {
		return fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
	} catch {
		return [];
	}
}

/** The program a process runs (`deno`, `node`…), from /proc; '' once it is gone. */
export function commandOf(pid) {
	try {
		return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
	} catch {
		return '';
	}
}

function median(values) {
	if (!values.length) return NaN;
	const s = [...values].sort((a, b) => a - b);
	const mid = Math.floor(s.length / 2);
	return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Least-squares slope of y over x (per unit of x). */
export function slope(points) {
	const n = points.length;
	if (n < 2) return 0;
	const mx = points.reduce((s, [x]) => s + x, 0) / n;
	const my = points.reduce((s, [, y]) => s + y, 0) / n;
	const num = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
	const den = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
	return den ? num / den : 0;
}

const round1 = (x) => Math.round(x * 10) / 10;

/**
 * Where the phases of a run of `seconds` fall: warm-up (the first quarter, at most 5 minutes),
 * then the judged window (the last 10 minutes, or the last half of a run shorter than 20).
 * @param {number} seconds
 */
export function phases(seconds) {
	const window = seconds >= 2 * WINDOW_SECONDS ? WINDOW_SECONDS : seconds / 2;
	return { warmupEnd: Math.min(300, seconds / 4), windowStart: seconds - window, end: seconds, span: Math.min(60, window / 5) };
}

/**
 * One process's figures over a run: levels (MB) at warm-up end, window start and end, growth over
 * the window in %, and whether that stays under the limit. `pass` is null when the samples do not
 * cover the window (a runtime that was restarted, or a run too short to judge).
 * @param {{ t: number, kb: number }[]} samples seconds since the load began, kB
 * @param {number} seconds how long the load ran
 * @param {number} [limitPercent]
 */
export function growth(samples, seconds, limitPercent = LIMIT_PERCENT) {
	const p = phases(seconds);
	const between = (from, to) => samples.filter((s) => s.t >= from && s.t <= to).map((s) => s.kb);
	// The median of the span's samples; in a run too short for the span to hold one, the nearest sample.
	const level = (from, to) => {
		const values = between(from, to);
		if (values.length) return median(values) / 1024;
		const nearest = [...samples].sort((x, y) => Math.abs(x.t - (from + to) / 2) - Math.abs(y.t - (from + to) / 2))[0];
		return nearest ? nearest.kb / 1024 : NaN;
	};
	const warmupEndMb = level(p.warmupEnd - p.span / 2, p.warmupEnd + p.span / 2);
	const windowStartMb = level(p.windowStart, p.windowStart + p.span);
	const endMb = level(p.end - p.span, p.end);
	const inWindow = samples.filter((s) => s.t >= p.windowStart && s.t <= p.end);
	const slack = Math.max(p.span, (p.end - p.windowStart) / 3);
	const covered = inWindow.length >= 3 && inWindow[0].t <= p.windowStart + slack && inWindow.at(-1).t >= p.end - slack;
	const growthPercent = covered ? ((endMb - windowStartMb) / windowStartMb) * 100 : NaN;
	const slopeMbPerMin = slope(inWindow.map((s) => [s.t / 60, s.kb / 1024]));
	const finite = (x) => (Number.isFinite(x) ? round1(x) : null);
	return {
		warmupEndMb: finite(warmupEndMb),
		windowStartMb: covered ? finite(windowStartMb) : null,
		endMb: finite(endMb),
		peakMb: finite(Math.max(...samples.filter((s) => s.t <= p.end).map((s) => s.kb)) / 1024),
		growthPercent: finite(growthPercent),
		slopeMbPerMin: Math.round(slopeMbPerMin * 100) / 100,
		window: { from: round1(p.windowStart), to: round1(p.end) },
		pass: covered && Number.isFinite(growthPercent) ? growthPercent < limitPercent : null,
	};
}

/**
 * Every sampled process's figures.
 * @param {Record<string, { t: number, kb: number }[]>} series by process name
 * @param {number} seconds
 */
export function memoryReport(series, seconds) {
	return Object.fromEntries(Object.entries(series).map(([name, samples]) => [name, growth(samples, seconds)]));
}

/** Lines for the console: one per process. */
export function formatMemory(report, limitPercent = LIMIT_PERCENT) {
	return Object.entries(report).map(([name, m]) => {
		const verdict = m.pass === null ? 'not judged (samples do not cover the window)' : m.pass ? 'PASS' : 'FAIL';
		return `  memory ${name.padEnd(20)} ${m.warmupEndMb} MB after warm-up, ${m.windowStartMb} → ${m.endMb} MB over ${m.window.from}–${m.window.to} s: ` +
			`${m.growthPercent === null ? '–' : `${m.growthPercent >= 0 ? '+' : ''}${m.growthPercent} %`} (${m.slopeMbPerMin} MB/min, peak ${m.peakMb}) ${verdict} (limit ${limitPercent} %)`;
	});
}
