// Stands in for jsr:@std/streams: the runtime only uses toArrayBuffer, to read
// an uploaded temp file whole (upload events).
export async function toArrayBuffer(readable: ReadableStream<Uint8Array>): Promise<ArrayBuffer> {
	const chunks: Uint8Array[] = [];
	let size = 0;
	for await (const chunk of readable) {
		chunks.push(chunk);
		size += chunk.length;
	}
	const all = new Uint8Array(size);
	let offset = 0;
	for (const chunk of chunks) {
		all.set(chunk, offset);
		offset += chunk.length;
	}
	return all.buffer;
}
