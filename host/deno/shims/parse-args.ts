// Stands in for jsr:@std/cli/parse-args: the runtime is started with
// `--subprocess <app id> --spawnId <n> [--metricsReportFrequencyInMs <n>]`;
// turn `--name value` pairs into an object, numeric values into numbers.
export function parseArgs(args: string[]): Record<string, unknown> {
	const out: Record<string, unknown> = { _: [] as string[] };
	for (let i = 0; i < args.length; i++) {
		const arg = args[i];
		if (!arg.startsWith('--')) {
			(out._ as string[]).push(arg);
			continue;
		}
		const [name, inline] = arg.slice(2).split(/=(.*)/s, 2);
		let value: unknown = inline;
		if (value === undefined) {
			const next = args[i + 1];
			value = next !== undefined && !next.startsWith('--') ? (i++, next) : true;
		}
		out[name] = typeof value === 'string' && value.trim() !== '' && isFinite(Number(value)) ? Number(value) : value;
	}
	return out;
}
