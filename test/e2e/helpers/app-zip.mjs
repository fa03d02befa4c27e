// @ts-check
// What an app-only zip holds: the compiled app, its manifest, icon and
// translations, nothing of host/, test/, bench/ or the repository's tooling.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
// adm-zip comes with the Apps-Engine runtime, which reads the same zips.
const AdmZip = require('adm-zip');

const APP_FILE = /^(app\.json|icon\.png|package\.json|tsconfig\.json|\.packagedby|TicketsApp\.js|(endpoints|handlers|lib|settings)\/.+\.js|i18n\/(en|pt-BR|es)\.json)$/;
const REQUIRED = ['app.json', 'icon.png', 'TicketsApp.js', 'i18n/en.json', 'i18n/pt-BR.json', 'i18n/es.json', 'endpoints/RoomEndpoint.js', 'lib/delivery/Outbox.js'];

/** @param {string | Buffer} zip a path or the bytes */
export function zipEntries(zip) {
	return new AdmZip(zip).getEntries().map((e) => e.entryName).filter((n) => !n.endsWith('/'));
}

/** Problems that keep `zip` from being the app alone: files that do not belong, files missing. */
export function appZipProblems(zip) {
	const names = zipEntries(zip);
	return [...names.filter((n) => !APP_FILE.test(n)).map((n) => `unexpected ${n}`), ...REQUIRED.filter((n) => !names.includes(n)).map((n) => `missing ${n}`)];
}
