// Stands in for jsr:@std/cli/parse-args: the runtime is started with
// `--subprocess <app id> --spawnId <n> [--metricsReportFrequencyInMs <n>]`;
// turn `--name value` pairs into an object, numeric values into numbers.
// Plain JavaScript, not TypeScript: rc-apps compiles every .ts in the tree.
/** @param {string[]} args @returns {Record<string, unknown>} */
export function parseArgs(args) {
	/** @type {Record<string, unknown>} */
	const out = { _: [] };
	for (let i = 0; i < args.length; i++) {
		const arg = args[i];
		if (!arg.startsWith('--')) {
			/** @type {string[]} */ (out._).push(arg);
			continue;
		}
		const [name, inline] = arg.slice(2).split(/=(.*)/s, 2);
		/** @type {unknown} */
		let value = inline;
		if (value === undefined) {
			const next = args[i + 1];
			value = next !== undefined && !next.startsWith('--') ? (i++, next) : true;
		}
		out[name] = typeof value === 'string' && value.trim() !== '' && isFinite(Number(value)) ? Number(value) : value;
	}
	return out;
}
