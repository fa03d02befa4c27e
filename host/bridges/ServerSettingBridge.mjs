// @ts-check
// Server settings the app may read. Site_Url is the host's own URL so file
// links the app builds resolve against the host.
import { bridges, unsupported } from './engine.mjs';

export class HostServerSettingBridge extends bridges.ServerSettingBridge {
	/** @param {{ siteUrl: () => string, config: any }} ctx */
	constructor({ siteUrl, config }) {
		super();
		this.siteUrl = siteUrl;
		this.config = config;
	}

	settings() {
		const values = {
			Site_Url: this.siteUrl(),
			Site_Name: 'Rocket.Chat development host',
			Language: 'en',
			Livechat_enabled: true,
			FileUpload_Enabled: true,
			FileUpload_MaxFileSize: 104857600,
			...(this.config.serverSettings || {}),
		};
		return Object.entries(values).map(([id, value]) => ({ id, value, packageValue: value, type: typeof value === 'boolean' ? 'boolean' : typeof value === 'number' ? 'int' : 'string', required: false, public: true, i18nLabel: id }));
	}

	async getAll() {
		return this.settings();
	}

	async getOneById(id) {
		const setting = this.settings().find((s) => s.id === id);
		if (!setting) throw new Error(`Setting "${id}" does not exist on the development host`);
		return setting;
	}

	async isReadableById(id) {
		return this.settings().some((s) => s.id === id);
	}

	async hideGroup() {
		throw unsupported('ServerSettingBridge.hideGroup');
	}

	async hideSetting() {
		throw unsupported('ServerSettingBridge.hideSetting');
	}

	async updateOne() {
		throw unsupported('ServerSettingBridge.updateOne');
	}

	async incrementValue() {
		throw unsupported('ServerSettingBridge.incrementValue');
	}
}
