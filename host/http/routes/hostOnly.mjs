// @ts-check
// HOST-ONLY endpoints: Rocket.Chat has nothing like them. They exist for the
// benchmarks (bridge calls per operation); keep tests and scripts that must
// also run against a real server away from them.
import { requireRole } from './session.mjs';

export function registerHostOnly(router, host) {
	router.on('GET', /^\/api\/host\/bridge-calls\/?$/, async ({ user }) => {
		requireRole(user, 'admin');
		return { calls: host.counters.snapshot(), success: true };
	}, { auth: true });

	router.on('POST', /^\/api\/host\/bridge-calls\/reset\/?$/, async ({ user }) => {
		requireRole(user, 'admin');
		host.counters.reset();
		return { success: true };
	}, { auth: true });
}
