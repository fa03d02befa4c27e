// @ts-check
// The host leaves no Deno transpile caches behind in the repository: each start
// runs the app's runtime from a temporary copy, and Deno caches what it
// transpiled under .deno-cache/gen by that copy's path. Left there, they piled up
// (463 of them, 274 MB, in a day of runs) until a root `rc-apps package`, which
// reads every file of the tree, failed with EMFILE.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startHost } from '../../host/server.mjs';
import { DENO_DIR } from '../../host/runtime.mjs';
import { ensurePackaged } from './helpers/index.mjs';

const cachesRoot = path.join(DENO_DIR, 'gen', 'file', path.relative(path.parse(os.tmpdir()).root, os.tmpdir()));

describe('Deno transpile caches of the host', () => {
	const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'host-cache-'));
	after(() => fs.rmSync(dataDir, { recursive: true, force: true }));

	it("removes a killed host's cache at the next start, and its own at its stop", async () => {
		const stale = path.join(cachesRoot, 'rc-host-killed0');
		fs.mkdirSync(path.join(stale, 'deno-runtime'), { recursive: true });
		fs.writeFileSync(path.join(stale, 'deno-runtime', 'main.ts.js'), '');
		const host = await startHost({ port: 0, dataDir, fresh: true, appZip: await ensurePackaged(), log: () => {} });
		let own;
		try {
			assert.equal(fs.existsSync(stale), false, 'the cache of a copy that is gone was removed');
			own = path.join(cachesRoot, path.basename(host.cluster.instances[0].tempFilePath));
			assert.equal(fs.existsSync(own), true, 'the running runtime has its cache');
		} finally {
			await host.close();
		}
		assert.equal(fs.existsSync(own), false, 'the stopped host removed its own cache');
	});
});
