// @ts-check
// The optional host config (HOST_CONFIG env or --config file):
// { "departments": [{"_id","name","enabled","agents"}],   (agents: usernames serving it; absent = every agent)
//   "customFields": [{"_id","label","scope":"visitor"|"room","regexp"}],   (livechat custom fields)
//   "agents": [{"username","password","name"}],
//   "serverSettings": {"Some_Setting": "value"} }
// Departments may name a "fallbackForwardDepartment" (an id), as in Rocket.Chat.
// Server settings the livechat model reads start from Rocket.Chat's defaults (below).
import fs from 'node:fs';

/** Rocket.Chat's defaults for the livechat settings the host's model follows (apps/meteor/server/settings/omnichannel.ts). */
export const LIVECHAT_DEFAULTS = {
	Livechat_accept_chats_with_no_agents: false,
	Livechat_request_comment_when_closing_conversation: false,
};

export function loadConfig(file) {
	if (!file) return { departments: [], customFields: [], agents: [], serverSettings: { ...LIVECHAT_DEFAULTS } };
	let config;
	try {
		config = JSON.parse(fs.readFileSync(file, 'utf8'));
	} catch (e) {
		throw new Error(`cannot read the host config ${file}: ${/** @type {any} */ (e).message}`);
	}
	return {
		departments: (config.departments || []).map((d) => ({ enabled: true, ...d })),
		customFields: (config.customFields || config.livechatCustomFields || []).map((f) => ({ scope: 'visitor', ...f })),
		agents: config.agents || [],
		serverSettings: { ...LIVECHAT_DEFAULTS, ...(config.serverSettings || {}) },
	};
}
