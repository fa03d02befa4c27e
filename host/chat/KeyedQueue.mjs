// @ts-check
// Work that must not overlap for one key (one visitor token, one visitor's room):
// Rocket.Chat does these as single atomic Mongo operations, the host as a read
// then a write, so calls for the same key run one after another.

export class KeyedQueue {
	constructor() {
		/** @type {Map<string, Promise<unknown>>} the tail of the work queued per key */
		this.tails = new Map();
	}

	/**
	 * Runs `fn` after every earlier call for `key` has settled; resolves or
	 * rejects with `fn`'s own result. A failed call does not stop the next.
	 * @template T @param {string} key @param {() => Promise<T>} fn @returns {Promise<T>}
	 */
	run(key, fn) {
		const result = (this.tails.get(key) || Promise.resolve()).then(fn, fn);
		const tail = result.then(() => undefined, () => undefined);
		this.tails.set(key, tail);
		tail.then(() => this.tails.get(key) === tail && this.tails.delete(key));
		return result;
	}
}
