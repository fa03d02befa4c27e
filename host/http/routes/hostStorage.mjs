// @ts-check
// HOST-ONLY: how much an app keeps in persistence, for the benchmark's "bytes
// per open ticket". Rocket.Chat has nothing like it (there it is a Mongo
// collection's size). Bytes are the stored key plus the JSON value, for the
// records and for the association index the host keeps beside them.
import { HttpError } from '../router.mjs';
import { requireRole } from './session.mjs';

export function registerHostStorage(router, host) {
	const store = host.bridges.raw.PersistenceBridge.store;

	router.on('GET', /^\/api\/host\/persistence-stats\/?$/, async ({ user, query }) => {
		requireRole(user, 'admin');
		if (!query.appId) throw new HttpError(400, 'The required "appId" query param is missing.');
		const measure = async (collection) => {
			let count = 0;
			let bytes = 0;
			for (const [key, value] of await store.entries(collection, `${query.appId}!`)) {
				count += 1;
				bytes += Buffer.byteLength(key) + Buffer.byteLength(JSON.stringify(value));
			}
			return { count, bytes };
		};
		const records = await measure('persistence');
		const index = await measure('persistenceIndex');
		return { records, index, bytes: records.bytes + index.bytes, success: true };
	}, { auth: true });
}
