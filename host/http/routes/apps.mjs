// @ts-check
// The Apps REST API used by rc-apps deploy and admin scripts:
// GET/POST /api/apps, GET/POST /api/apps/<id>, GET/POST /api/apps/<id>/settings.
import busboy from 'busboy';
import { HttpError, Reply } from '../router.mjs';
import { appJson, installApp } from '../../apps.mjs';
import { userToApp } from '../../chat/convert.mjs';
import { requireRole } from './session.mjs';

/** Reads rc-apps' multipart upload (chunked, no Content-Length): the `app` zip and the `permissions` JSON. */
function readAppUpload(req) {
	return new Promise((resolve, reject) => {
		let bb;
		try {
			bb = busboy({ headers: req.headers, limits: { fileSize: 100 * 1024 * 1024 } });
		} catch (e) {
			reject(new HttpError(400, 'Expected a multipart/form-data upload with an "app" file'));
			return;
		}
		const out = { zip: undefined, fields: {} };
		bb.on('file', (name, stream) => {
			const chunks = [];
			stream.on('data', (c) => chunks.push(c));
			stream.on('end', () => name === 'app' && (out.zip = Buffer.concat(chunks)));
		});
		bb.on('field', (name, value) => (out.fields[name] = value));
		bb.on('close', () => resolve(out));
		bb.on('error', reject);
		req.pipe(bb);
	});
}

export function registerApps(router, host) {
	const findApp = (id) => {
		const app = host.manager.getOneById(id);
		if (!app) throw new HttpError(404, `No App found by the id of: ${id}`);
		return app;
	};

	router.on('GET', /^\/api\/apps\/?$/, async () => ({ apps: await Promise.all((await host.manager.get()).map(appJson)), success: true }), { auth: true });

	const upload = async ({ req, user, params }) => {
		requireRole(user, 'admin');
		const { zip, fields } = await readAppUpload(req);
		if (!zip) throw new HttpError(400, 'Failed to get a file to install for the App.');
		let permissionsGranted;
		if (fields.permissions) {
			try {
				permissionsGranted = JSON.parse(fields.permissions);
			} catch {
				throw new HttpError(400, 'Invalid permissions: not JSON');
			}
		}
		const info = (await host.manager.getParser().unpackageApp(zip)).info;
		if (params.id && params.id !== info.id) throw new HttpError(400, `App id mismatch: the zip holds ${info.id}`);
		let result;
		try {
			result = await installApp(host.manager, host.logStorage, zip, { permissionsGranted, user: userToApp(user) });
		} catch (e) {
			host.log(`[host] installing ${info.name} failed: ${/** @type {any} */ (e)?.stack || e}`);
			return new Reply(400, { success: false, status: 'error', error: `App failed to load: ${/** @type {any} */ (e)?.message || e}` });
		}
		if (!result.app) return new Reply(400, { success: false, status: 'error', error: result.error });
		if (result.error) host.log(`[host] ${info.name}: ${result.error}`);
		return { app: await appJson(result.app), implemented: result.app.getStorageItem().implemented, success: true };
	};
	router.on('POST', /^\/api\/apps\/?$/, upload, { auth: true, rawBody: true });
	router.on('POST', /^\/api\/apps\/(?<id>[^/]+)\/?$/, upload, { auth: true, rawBody: true });

	router.on('GET', /^\/api\/apps\/(?<id>[^/]+)\/?$/, async ({ params }) => {
		const app = host.manager.getOneById(params.id);
		if (!app) return new Reply(404, { success: false, error: `No App found by the id of: ${params.id}` });
		return { app: await appJson(app), success: true };
	}, { auth: true });

	// Rocket.Chat: apps/meteor/ee/server/apps/communication/rest.ts `:id/languages` (7.x/8.x): no log-in needed;
	// the app's i18n files by language, which the admin UI uses for setting labels.
	router.on('GET', /^\/api\/apps\/(?<id>[^/]+)\/languages\/?$/, async ({ params }) => {
		const app = host.manager.getOneById(params.id);
		if (!app) return new Reply(404, { success: false, error: `No App found by the id of: ${params.id}` });
		return { languages: app.getStorageItem().languageContent || {}, success: true };
	});

	// Rocket.Chat: apps/meteor/ee/server/apps/communication/rest.ts `:id/logs` (7.x/8.x): `manage-apps`; the
	// app's log entries (one per call into the app), newest first (`sort: {_updatedAt: -1}`), offset/count.
	router.on('GET', /^\/api\/apps\/(?<id>[^/]+)\/logs\/?$/, async ({ params, query, user }) => {
		requireRole(user, 'admin');
		const app = host.manager.getOneById(params.id);
		if (!app) return new Reply(404, { success: false, error: `No App found by the id of: ${params.id}` });
		const offset = Math.max(0, Number(query.offset) || 0);
		const count = Math.max(0, Number(query.count) || 50);
		const logs = (await host.logStorage.getEntriesFor(app.getID())).slice().reverse().slice(offset, offset + count);
		return { logs, success: true };
	}, { auth: true });

	router.on('GET', /^\/api\/apps\/(?<id>[^/]+)\/settings\/?$/, async ({ params }) => {
		const app = findApp(params.id);
		const settings = app.getStorageItem().settings;
		return { settings, success: true };
	}, { auth: true });

	router.on('POST', /^\/api\/apps\/(?<id>[^/]+)\/settings\/?$/, async ({ params, body, user }) => {
		requireRole(user, 'admin');
		const app = findApp(params.id);
		if (!body || !Array.isArray(body.settings)) throw new HttpError(400, 'The settings to update must be present.');
		const known = app.getStorageItem().settings;
		const updated = [];
		for (const s of body.settings) {
			if (!s || !known[s.id]) continue; // Rocket.Chat skips ids the app does not have
			const setting = { ...known[s.id], value: s.value };
			await host.manager.getSettingsManager().updateAppSetting(params.id, setting);
			updated.push(setting);
		}
		return { updated, success: true };
	}, { auth: true });
}
