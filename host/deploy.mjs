// @ts-check
// `npm run deploy -- --url <server> --username <admin> --password <password> [--update]`
// (any other `rc-apps deploy` option passes through too): installs or updates the
// app on a Rocket.Chat server with the app's files only. `rc-apps deploy` run in
// the repository root would package the whole tree (host/, compiled tests,
// bench/…), so it runs in the staging folder `npm run package` uses (see
// package-app.mjs); the zip it uploaded is then also dist/'s zip.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { RC_APPS, recordBuilt, stageApp, withLock, zipPath } from './package-app.mjs';

const args = process.argv.slice(2);
if (!args.some((a) => a === '--url' || a.startsWith('--url='))) {
	console.error('usage: npm run deploy -- --url https://chat.example.com --username <admin> --password <password> [--update]');
	process.exit(2);
}

const status = withLock(() => {
	const { dir, sources } = stageApp();
	// stdio inherited: rc-apps prints its progress and errors, and --i2fa can ask for a code.
	const result = spawnSync(RC_APPS, ['deploy', ...args], { cwd: dir, stdio: 'inherit' });
	const zip = zipPath();
	const built = path.join(dir, 'dist', path.basename(zip));
	if (result.status === 0 && fs.existsSync(built)) {
		fs.mkdirSync(path.dirname(zip), { recursive: true });
		fs.copyFileSync(built, zip);
		recordBuilt(zip, sources);
	}
	if (result.error) console.error(`rc-apps could not run: ${result.error.message}`);
	return result.status ?? 1;
});
process.exit(status);
