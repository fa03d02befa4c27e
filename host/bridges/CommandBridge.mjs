// @ts-check
// Slash commands the app registers; POST /api/v1/commands.run executes them.
import { bridges } from './engine.mjs';

export class HostCommandBridge extends bridges.CommandBridge {
	constructor() {
		super();
		/** @type {Map<string, {command: any, appId: string, enabled: boolean}>} */
		this.commands = new Map();
	}

	async doesCommandExist(command) {
		return this.commands.has(command.toLowerCase());
	}

	async enableCommand(command) {
		const c = this.commands.get(command.toLowerCase());
		if (c) c.enabled = true;
	}

	async disableCommand(command) {
		const c = this.commands.get(command.toLowerCase());
		if (c) c.enabled = false;
	}

	async modifyCommand(command, appId) {
		this.commands.set(command.command.toLowerCase(), { command, appId, enabled: true });
	}

	async registerCommand(command, appId) {
		this.commands.set(command.command.toLowerCase(), { command, appId, enabled: true });
	}

	async unregisterCommand(command) {
		this.commands.delete(command.toLowerCase());
	}
}
