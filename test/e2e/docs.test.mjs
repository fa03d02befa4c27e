// The README stays a user's page and the depth lives in docs/, reachable from it
// (issue 14; shared STYLE.md): a short README, every docs/ page linked from it,
// and no relative link in either that leads nowhere. Reads files only.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MAX_README_LINES = 200;

const read = (file) => fs.readFileSync(path.join(ROOT, file), 'utf8');
const docsPages = () => fs.readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`);

/** Markdown link targets outside code (fenced blocks and inline code spans are dropped first). */
function linkTargets(markdown) {
	const prose = markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
	return [...prose.matchAll(/\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1]);
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
function anchors(markdown) {
	const headings = markdown.replace(/```[\s\S]*?```/g, '').match(/^#{1,6} .*$/gm) || [];
	return headings.map((h) => h.replace(/^#+ /, '').toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').trim().replace(/\s/g, '-'));
}

describe('the README and docs/', () => {
	it(`keeps the README under ${MAX_README_LINES} lines`, () => {
		const lines = read('README.md').split('\n').length;
		assert.ok(lines < MAX_README_LINES, `README.md has ${lines} lines; move depth to docs/`);
	});

	it('links every docs/ page from the README', () => {
		const linked = new Set(linkTargets(read('README.md')).map((t) => t.split('#')[0]));
		const missing = docsPages().filter((page) => !linked.has(page));
		assert.deepEqual(missing, [], 'docs/ pages the README does not link');
	});

	it('has no relative link, in the README or docs/, to a file or heading that does not exist', () => {
		const broken = [];
		for (const file of ['README.md', ...docsPages()]) {
			const text = read(file);
			for (const target of linkTargets(text)) {
				if (/^[a-z]+:/i.test(target)) {
					continue; // https:, mailto:: not ours to check offline
				}
				const [rel, anchor] = target.split('#');
				const resolved = rel ? path.join(path.dirname(file), rel) : file;
				if (!fs.existsSync(path.join(ROOT, resolved))) {
					broken.push(`${file}: ${target} (no ${resolved})`);
				} else if (anchor && resolved.endsWith('.md') && !anchors(read(resolved)).includes(anchor)) {
					broken.push(`${file}: ${target} (no heading #${anchor} in ${resolved})`);
				}
			}
		}
		assert.deepEqual(broken, []);
	});
});
