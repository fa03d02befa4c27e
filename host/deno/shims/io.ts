// Stands in for jsr:@std/io (jsr is unreachable here). The runtime only uses
// writeAll, to push its JSON-RPC frames to stdout/stderr: keep writing until
// every byte is out, since a single write() may be partial.
export async function writeAll(writer: { write(p: Uint8Array): Promise<number> }, data: Uint8Array): Promise<void> {
	let written = 0;
	while (written < data.length) {
		written += await writer.write(data.subarray(written));
	}
}
