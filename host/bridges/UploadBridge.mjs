// @ts-check
// Uploads (files agents send with rooms.upload): read by id, read bytes.
import { uploadToApp } from '../chat/convert.mjs';
import { bridges } from './engine.mjs';

export class HostUploadBridge extends bridges.UploadBridge {
	/** @param {{ omni: import('../chat/Omnichannel.mjs').Omnichannel }} ctx */
	constructor({ omni }) {
		super();
		this.o = omni.toApp();
	}

	async getById(id) {
		return uploadToApp(await this.o.uploads.byId(id));
	}

	async getBuffer(upload) {
		const bytes = await this.o.uploads.bytes(upload.id);
		if (!bytes) throw new Error(`Upload ${upload.id} not found`);
		return bytes;
	}

	async createUpload(details, buffer, appId) {
		const appUser = await this.o.users.appUser(appId);
		const upload = await this.o.uploads.create({ name: details.name, type: details.type, rid: details.rid, userId: details.userId || appUser?._id, visitorToken: details.visitorToken, buffer: Buffer.from(buffer) });
		return uploadToApp(upload);
	}
}
