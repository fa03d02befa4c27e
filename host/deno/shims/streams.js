// Stands in for jsr:@std/streams: the runtime only uses toArrayBuffer, to read
// an uploaded temp file whole (upload events).
// Plain JavaScript, not TypeScript: rc-apps compiles every .ts in the tree.
/** @param {ReadableStream<Uint8Array>} readable @returns {Promise<ArrayBuffer>} */
export async function toArrayBuffer(readable) {
	/** @type {Uint8Array[]} */
	const chunks = [];
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
