// Stands in for jsr:@std/io (jsr is unreachable here). The runtime only uses
// writeAll, to push its JSON-RPC frames to stdout/stderr: keep writing until
// every byte is out, since a single write() may be partial.
// Plain JavaScript, not TypeScript: rc-apps compiles every .ts in the tree.
/** @param {{ write(p: Uint8Array): Promise<number> }} writer @param {Uint8Array} data */
export async function writeAll(writer, data) {
	let written = 0;
	while (written < data.length) {
		written += await writer.write(data.subarray(written));
	}
}
