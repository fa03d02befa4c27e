// @ts-check
// `npm run package`: the zip an admin uploads holds the app and nothing else,
// built without warnings, with the app.json Rocket.Chat needs; and it is never
// a zip that something else (a root `rc-apps package` or `deploy`) left in dist/.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from './helpers/index.mjs';
import { appZipProblems, zipEntries } from './helpers/app-zip.mjs';

const require = createRequire(import.meta.url);
// adm-zip comes with the Apps-Engine runtime, which reads the same zips.
const AdmZip = require('adm-zip');
const run = promisify(execFile);

describe('the packaged app', () => {
	// One build serves both tests (packaging takes 30-60 s): the root package below makes it stale.
	it('is rebuilt, app files only and without warnings, after a root `rc-apps package` left the whole repository in dist/', async () => {
		const { packageApp, withLock, zipPath } = await import(path.join(ROOT, 'host/package-app.mjs'));
		const appJson = fs.readFileSync(path.join(ROOT, 'app.json'));
		// The lock keeps other packaging runs (npm start, other test files running alongside) out of dist/
		// until `npm run package`'s own build below has looked at what the root package left there.
		const { rootZip, zip, built, warnings } = withLock(() => {
			try {
				// What an admin gets from `npx rc-apps package` (or `deploy`) in the clone.
				execFileSync(path.join(ROOT, 'node_modules/.bin/rc-apps'), ['package', '--no-color'], { cwd: ROOT, stdio: 'pipe', env: { ...process.env, NO_COLOR: '1' } });
			} finally {
				fs.writeFileSync(path.join(ROOT, 'app.json'), appJson);
			}
			// What `npm run package` runs.
			return { rootZip: fs.readFileSync(zipPath()), ...packageApp({ log: () => {} }) };
		});
		assert.ok(zipEntries(rootZip).some((n) => n.startsWith('host/')), 'the root package holds host/ (the case this guards against)');
		assert.equal(built, true, 'it rebuilt instead of reusing the zip in dist/');
		assert.deepEqual(warnings, []);
		assert.deepEqual(appZipProblems(zip), []);
		const { stdout } = await run('npm', ['run', 'package'], { cwd: ROOT });
		assert.match(stdout, /is up to date/, 'its own zip, from unchanged sources, is reused');
	});

	it('holds the app.json Rocket.Chat and RapidPro need', async () => {
		const { packageApp } = await import(path.join(ROOT, 'host/package-app.mjs'));
		const { zip } = packageApp({ log: () => {} });
		const manifest = JSON.parse(new AdmZip(zip).readAsText('app.json'));
		const source = JSON.parse(fs.readFileSync(path.join(ROOT, 'app.json'), 'utf8'));
		assert.match(manifest.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, 'a lowercase UUID v4: RapidPro only accepts such a base URL');
		assert.equal(manifest.requiredApiVersion, '^1.42.1');
		assert.deepEqual([...manifest.implements].sort(), ['IPostLivechatRoomClosed', 'IPostMessageSent']);
		assert.deepEqual(manifest, source, 'the repository app.json is what rc-apps writes, so a root deploy leaves the tree clean');
	});
});
