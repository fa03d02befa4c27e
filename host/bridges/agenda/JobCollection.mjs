// @ts-check
// The scheduler's job collection (Rocket.Chat: `rocketchat_apps_scheduler` in
// MongoDB) over the host's store: one document per job, kept in the store's
// `jobs` sublevel and mirrored in memory. Agenda needs a few MongoDB operations
// that are atomic on the server (findOneAndUpdate above all: it is how a job is
// locked by exactly one instance); here every operation runs one at a time per
// store, so several schedulers over one store (a cluster of hosts, issue 12)
// cannot lock the same job twice.

/** @typedef {Record<string, any>} JobDoc */
/** @typedef {(doc: JobDoc) => boolean} Filter */

/** One collection per store: every scheduler over the same store shares it (and its lock). */
const byStore = new WeakMap();

/** @param {import('../../store.mjs').Store} store @returns {JobCollection} */
export function jobCollection(store) {
	let collection = byStore.get(store);
	if (!collection) {
		collection = new JobCollection(store);
		byStore.set(store, collection);
	}
	return collection;
}

let lastId = 0;
/** A 24-hex id like a Mongo ObjectId (time first, so ids sort by creation). */
function objectId() {
	lastId = (lastId + 1) % 0xffffff;
	const time = Math.floor(Date.now() / 1000).toString(16).padStart(8, '0');
	const random = Math.floor(Math.random() * 0xffffffffff).toString(16).padStart(10, '0');
	return `${time}${random}${lastId.toString(16).padStart(6, '0')}`;
}

const copy = (doc) => (doc ? structuredClone(doc) : null);

export class JobCollection {
	/** @param {import('../../store.mjs').Store} store */
	constructor(store) {
		this.store = store;
		/** @type {Map<string, JobDoc> | undefined} */
		this.docs = undefined;
		/** @type {Promise<unknown>} */
		this.chain = Promise.resolve();
	}

	/** Runs `fn` after every operation started before it: what makes each operation atomic. */
	exclusive(fn) {
		const run = this.chain.then(async () => {
			await this.load();
			return fn(/** @type {Map<string, JobDoc>} */ (this.docs));
		});
		this.chain = run.catch(() => undefined);
		return run;
	}

	async load() {
		if (this.docs) return;
		const docs = new Map();
		for (const doc of await this.store.values('jobs')) docs.set(doc._id, upgrade(doc));
		this.docs = docs;
	}

	/** @param {JobDoc} doc */
	async write(doc) {
		await this.store.put('jobs', doc._id, doc);
	}

	/** @param {Filter} filter @param {{ sort?: (a: JobDoc, b: JobDoc) => number, limit?: number }} [opts] */
	find(filter, { sort, limit = 0 } = {}) {
		return this.exclusive((docs) => {
			const found = [...docs.values()].filter(filter);
			if (sort) found.sort(sort);
			return (limit ? found.slice(0, limit) : found).map(copy);
		});
	}

	/**
	 * MongoDB's findOneAndUpdate with `returnOriginal: false`: the first match
	 * (by `sort`) gets `$set`; with `upsert` and no match, a new document of
	 * `insert` + `$set` + `$setOnInsert`. Returns the updated document or null.
	 * @param {Filter} filter
	 * @param {{ $set?: JobDoc, $setOnInsert?: JobDoc }} update
	 * @param {{ sort?: (a: JobDoc, b: JobDoc) => number, upsert?: JobDoc }} [opts] upsert: the fields the query fixes
	 */
	findOneAndUpdate(filter, update, { sort, upsert } = {}) {
		return this.exclusive(async (docs) => {
			const matches = [...docs.values()].filter(filter);
			if (sort) matches.sort(sort);
			let doc = matches[0];
			if (doc) {
				doc = { ...doc, ...update.$set };
			} else if (upsert) {
				doc = { _id: objectId(), ...upsert, ...update.$set, ...update.$setOnInsert };
			} else {
				return null;
			}
			docs.set(doc._id, doc);
			await this.write(doc);
			return copy(doc);
		});
	}

	/** @param {JobDoc} props @returns {Promise<JobDoc>} */
	insertOne(props) {
		return this.exclusive(async (docs) => {
			const doc = { _id: objectId(), ...props };
			docs.set(doc._id, doc);
			await this.write(doc);
			return copy(doc);
		});
	}

	/** @param {Filter} filter @param {JobDoc} set */
	updateMany(filter, set) {
		return this.exclusive(async (docs) => {
			const matches = [...docs.values()].filter(filter);
			for (const doc of matches) {
				const updated = { ...doc, ...set };
				docs.set(doc._id, updated);
				await this.write(updated);
			}
			return matches.length;
		});
	}

	/** @param {Filter} filter @returns {Promise<number>} how many were deleted */
	deleteMany(filter) {
		return this.exclusive(async (docs) => {
			const matches = [...docs.values()].filter(filter);
			for (const doc of matches) {
				docs.delete(doc._id);
				await this.store.del('jobs', doc._id);
			}
			return matches.length;
		});
	}
}

/** Jobs stored by the host before it copied Agenda ({appId, interval}) become Agenda documents. */
function upgrade(doc) {
	if (doc.type) return doc;
	const { appId, interval, ...rest } = doc;
	return {
		...rest,
		data: { ...rest.data, appId },
		type: interval ? 'single' : 'normal',
		priority: 0,
		repeatInterval: interval || undefined,
		lockedAt: null,
	};
}
