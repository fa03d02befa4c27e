// @ts-check
// `npm run package`: the zip an admin uploads holds the app and nothing else,
// built without warnings, with the app.json Rocket.Chat needs.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './helpers/index.mjs';

const require = createRequire(import.meta.url);
// adm-zip comes with the Apps-Engine runtime, which reads the same zips.
const AdmZip = require('adm-zip');

describe('the packaged app', () => {
	it('is built without warnings and holds only the app', async () => {
		const { packageApp } = await import(path.join(ROOT, 'host/package-app.mjs'));
		const { zip, warnings } = packageApp({ force: true, log: () => {} });
		assert.deepEqual(warnings, []);
		const names = new AdmZip(zip).getEntries().map((e) => e.entryName);
		for (const name of names) {
			assert.match(name, /^(app\.json|icon\.png|package\.json|tsconfig\.json|\.packagedby|TicketsApp\.js|(endpoints|handlers|lib|settings)\/.+\.js|i18n\/(en|pt-BR|es)\.json)$/, `unexpected ${name} in the zip`);
		}
		for (const wanted of ['app.json', 'icon.png', 'TicketsApp.js', 'i18n/en.json', 'i18n/pt-BR.json', 'i18n/es.json', 'endpoints/RoomEndpoint.js', 'lib/Outbox.js']) {
			assert.ok(names.includes(wanted), `${wanted} is in the zip`);
		}
		const manifest = JSON.parse(new AdmZip(zip).readAsText('app.json'));
		const source = JSON.parse(fs.readFileSync(path.join(ROOT, 'app.json'), 'utf8'));
		assert.match(manifest.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, 'a lowercase UUID v4: RapidPro only accepts such a base URL');
		assert.equal(manifest.requiredApiVersion, '^1.42.1');
		assert.deepEqual([...manifest.implements].sort(), ['IPostLivechatRoomClosed', 'IPostMessageSent']);
		assert.deepEqual(manifest, source, 'the repository app.json is what rc-apps writes, so a root deploy leaves the tree clean');
	});
});
