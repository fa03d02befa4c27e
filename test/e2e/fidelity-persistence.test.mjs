// @ts-check
// Host fidelity: the persistence bridge against Rocket.Chat 7/8's
// (apps/meteor/app/apps/server/bridges/persistence.ts and the AppsPersistence
// model), in-process over a scratch store.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Store } from '../../host/store.mjs';
import { HostPersistenceBridge } from '../../host/bridges/PersistenceBridge.mjs';

const APP = 'app-1';
const misc = (id) => ({ model: 'misc', id });
const room = (id) => ({ model: 'room', id });

describe('persistence bridge (as Rocket.Chat 7/8)', () => {
	/** @type {Store} */ let store;
	/** @type {HostPersistenceBridge} */ let bridge;
	let dir = '';

	before(async () => {
		dir = await fs.mkdtemp(path.join(os.tmpdir(), 'fidelity-persistence-'));
		store = await Store.open(path.join(dir, 'db'));
		bridge = new HostPersistenceBridge({ store });
	});

	after(async () => {
		await store?.db.close();
		await fs.rm(dir, { recursive: true, force: true });
	});

	it('removeByAssociations deletes EVERY record having all the given associations and returns their data', async () => {
		await bridge.createWithAssociations({ n: 1 }, [room('R1'), misc('open')], APP);
		await bridge.createWithAssociations({ n: 2 }, [room('R1'), misc('open')], APP);
		await bridge.createWithAssociations({ n: 3 }, [room('R1'), misc('open'), misc('extra')], APP);
		await bridge.createWithAssociations({ n: 4 }, [room('R1'), misc('closed')], APP);
		const removed = await bridge.removeByAssociations([room('R1'), misc('open')], APP);
		assert.deepEqual(removed?.map((d) => d.n).sort(), [1, 2, 3]);
		assert.deepEqual((await bridge.readByAssociations([room('R1'), misc('open')], APP)), []);
		assert.deepEqual((await bridge.readByAssociations([room('R1')], APP)).map((d) => d.n), [4], 'a record lacking one of the associations stays');
	});

	it('removeByAssociations answers undefined when nothing matches', async () => {
		assert.equal(await bridge.removeByAssociations([misc('never-stored')], APP), undefined);
	});

	it('readByAssociations is `$all`: order of the given list does not matter, extra associations on the record do not', async () => {
		await bridge.createWithAssociations({ k: 'a' }, [misc('x'), misc('y'), misc('z')], APP);
		assert.deepEqual((await bridge.readByAssociations([misc('z'), misc('x')], APP)).map((d) => d.k), ['a']);
	});

	it('updateByAssociations matches only a record whose association list equals the given one (same order); upsert inserts otherwise', async () => {
		await bridge.createWithAssociations({ v: 1 }, [misc('u1'), misc('u2')], APP);
		await bridge.updateByAssociations([misc('u1'), misc('u2')], { v: 2 }, false, APP);
		assert.deepEqual(await bridge.readByAssociations([misc('u1')], APP), [{ v: 2 }]);
		// Reordered list: no exact match, so without upsert nothing changes...
		await bridge.updateByAssociations([misc('u2'), misc('u1')], { v: 3 }, false, APP);
		assert.deepEqual(await bridge.readByAssociations([misc('u1')], APP), [{ v: 2 }]);
		// ...and with upsert a second record appears beside the first.
		await bridge.updateByAssociations([misc('u1')], { v: 4 }, true, APP);
		assert.deepEqual((await bridge.readByAssociations([misc('u1')], APP)).map((d) => d.v).sort(), [2, 4]);
	});
});
