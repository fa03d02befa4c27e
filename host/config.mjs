// @ts-check
// The optional host config (HOST_CONFIG env or --config file):
// { "departments": [{"_id","name","enabled","agents"}],   (agents: usernames serving it; absent = every agent)
//   "customFields": [{"_id","label","scope":"visitor"}],   (livechat custom fields)
//   "agents": [{"username","password","name"}],
//   "serverSettings": {"Some_Setting": "value"} }
import fs from 'node:fs';

export function loadConfig(file) {
	if (!file) return { departments: [], customFields: [], agents: [] };
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
		serverSettings: config.serverSettings || {},
	};
}
