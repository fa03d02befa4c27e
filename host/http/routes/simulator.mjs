// @ts-check
// HOST-ONLY: the RapidPro simulator's endpoints (host/simulator/Simulator.mjs), under
// /api/host/simulator/. Not Rocket.Chat: they stand in for RapidPro. Driving it needs an admin (it
// sets the App Secret); the callback receiver and the contact's files are open, as RapidPro's are.
import busboy from 'busboy';
import { HttpError, Reply, readBody } from '../router.mjs';
import { requireRole } from './session.mjs';
import { Simulator } from '../../simulator/Simulator.mjs';

function readFile(req) {
	return new Promise((resolve, reject) => {
		let bb;
		try {
			bb = busboy({ headers: req.headers, limits: { fileSize: 20 * 1024 * 1024 } });
		} catch {
			reject(new HttpError(400, 'Expected a multipart/form-data upload with a "file"'));
			return;
		}
		let file;
		bb.on('file', (name, stream, info) => {
			const chunks = [];
			stream.on('data', (c) => chunks.push(c));
			stream.on('end', () => name === 'file' && (file = { name: info.filename || 'file', type: info.mimeType || 'application/octet-stream', buffer: Buffer.concat(chunks) }));
		});
		bb.on('close', () => resolve(file));
		bb.on('error', reject);
		req.pipe(bb);
	});
}

/** Runs a simulator step, turning its errors into the host's `{success: false, error}` answers. */
async function step(fn) {
	try {
		return await fn();
	} catch (e) {
		const err = /** @type {any} */ (e);
		if (err.status) throw new HttpError(err.status, err.message);
		throw e;
	}
}

export function registerSimulator(router, host) {
	const sim = new Simulator({ url: host.url, manager: () => host.manager, log: host.log });
	const P = '\\/api\\/host\\/simulator';
	const admin = (fn) => async (ctx) => {
		requireRole(ctx.user, 'admin');
		if (ctx.body !== undefined && (typeof ctx.body !== 'object' || ctx.body === null || Array.isArray(ctx.body))) throw new HttpError(400, 'Expected a JSON object');
		return step(() => fn(ctx));
	};
	const on = (method, path, fn) => router.on(method, new RegExp(`^${P}${path}\\/?$`), admin(fn), { auth: true });

	on('GET', '', async () => ({ ...sim.state(), success: true }));
	on('POST', '\\/connect', async () => {
		const out = await sim.connect();
		if (!out.ok) throw new HttpError(502, out.error || 'connect failed');
		return { ...sim.state(), success: true };
	});
	on('POST', '\\/mode', async ({ body = {} }) => {
		sim.setMode(body.mode);
		return { mode: sim.mode, success: true };
	});
	on('POST', '\\/tickets', async ({ body = {} }) => ({ ...(await sim.openTicket(body)), success: true }));
	on('POST', '\\/messages', async ({ body = {} }) => ({ ...(await sim.contactMessage(body)), success: true }));
	on('POST', '\\/close', async ({ body = {} }) => ({ ...(await sim.closeTicket(body)), success: true }));

	router.on('POST', new RegExp(`^${P}\\/files\\/?$`), admin(async ({ req }) => {
		const file = await readFile(req);
		if (!file) throw new HttpError(400, 'Expected a multipart/form-data upload with a "file"');
		return { url: sim.addFile(file), type: file.type, name: file.name, success: true };
	}), { auth: true, rawBody: true });

	router.on('GET', new RegExp(`^${P}\\/files\\/(?<id>[0-9a-f]+)\\/[^/]+$`), async ({ params }) => {
		const file = sim.files.get(params.id);
		if (!file) return new Reply(404, 'Not Found', { 'content-type': 'text/plain; charset=utf-8' });
		return new Reply(200, file.buffer, { 'content-type': file.type, 'content-length': String(file.buffer.length) });
	});

	// Live state for the page: Server-Sent Events. EventSource sends no headers, so the log-in comes
	// as rc_uid/rc_token query parameters, as /file-upload accepts it.
	router.on('GET', new RegExp(`^${P}\\/events\\/?$`), async ({ req, res, query }) => {
		const user = await host.users.authenticate(String(query.rc_uid || ''), String(query.rc_token || ''));
		if (!user) throw new HttpError(401, 'You must be logged in to do this.');
		requireRole(user, 'admin');
		res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
		const push = (state) => res.write(`data: ${JSON.stringify(state)}\n\n`);
		push(sim.state());
		sim.listeners.add(push);
		const ping = setInterval(() => res.write(': ping\n\n'), 15000);
		req.on('close', () => {
			clearInterval(ping);
			sim.listeners.delete(push);
		});
		return undefined;
	});

	// The callback URL RapidPro registers (`PUT /settings`): the app's webhooks land here.
	router.on('POST', new RegExp(`^${P}\\/callback\\/[\\w-]+$`), async ({ req }) => {
		const text = (await readBody(req, 1024 * 1024)).toString('utf8');
		const answer = await sim.receive({ authorization: String(req.headers.authorization || ''), text });
		if (answer === 'drop') {
			req.socket.destroy();
			return undefined;
		}
		return new Reply(answer.status, answer.body);
	}, { rawBody: true });

	return sim;
}
