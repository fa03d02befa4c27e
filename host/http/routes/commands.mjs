// @ts-check
// POST /api/v1/commands.run {"command","params","roomId"}: runs an app's slash command as the caller.
import { HttpError } from '../router.mjs';
import { require, ENGINE } from '../../bridges/engine.mjs';
import { userToApp } from '../../chat/convert.mjs';

const { SlashCommandContext } = require(`${ENGINE}/definition/slashcommands/SlashCommandContext`);

export function registerCommands(router, host) {
	router.on('POST', /^\/api\/v1\/commands\.run\/?$/, async ({ body = {}, user }) => {
		const command = String(body.command || '').replace(/^\//, '').toLowerCase();
		if (!command) throw new HttpError(400, 'You must provide a command to run.');
		const registered = host.bridges.raw.CommandBridge.commands.get(command);
		if (!registered || !registered.enabled) throw new HttpError(400, 'The command provided does not exist (or is disabled).');
		const room = await host.omni.appRoom(await host.rooms.byId(body.roomId));
		if (!room) throw new HttpError(400, 'error-invalid-room');
		const params = String(body.params || '').split(' ').filter(Boolean);
		const context = new SlashCommandContext(userToApp(user), room, params, body.tmid, body.triggerId);
		const result = await host.manager.getCommandManager().executeCommand(command, context);
		return { result, success: true };
	}, { auth: true });
}
