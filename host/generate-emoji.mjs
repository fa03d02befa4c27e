// Generates lib/emoji/generated/EmojiTable.ts from the JoyPixels data shipped in the
// `emoji-toolkit` devDependency: the short names Rocket.Chat renders.
//
//   npm run emoji            (= node host/generate-emoji.mjs)
//
// Build-time only, not part of the app package: the app cannot ship npm
// dependencies, so the table is checked in as generated TypeScript and
// re-generated whenever emoji-toolkit is upgraded.
//
// Source: emoji-toolkit/emoji.json. Every emoji contributes its `shortname`
// and `shortname_alternates` (colons stripped) mapped to its
// `code_points.fully_qualified` sequence (ZWJ, VS16 and skin tones included).
// `ascii` smileys such as ":)" or "(y)" are not short codes and are left out.
//
// Encoding (one template literal, decoded once at module load by the generated
// file itself; ~4x smaller than an object literal, ASCII-only, trivial for tsc
// and for the runtime's parser):
//   one line per entry:  name[,name...]=CPS
//   CPS: hex code points separated by " "; "." stands for U+200D (ZWJ) and
//        "!" for U+FE0F (VS16), written without spaces around them.
//   Skin-tone templates: a line holding placeholders stands for the 5 variants
//   (tone T = 1..5) or, with a second tone U, the 20 variants with T != U:
//     T, U  -> tone digit "1".."5"           (names: thumbsup_toneT)
//     S, R  -> light, medium_light, medium, medium_dark, dark
//                                            (names: ..._S_skin_tone)
//     C, D  -> U+1F3FB..U+1F3FF              (in CPS)
//   Names are lowercase, so the uppercase placeholders cannot clash. A group is
//   only written as a template when its expansion reproduces the data exactly;
//   otherwise its variants are written one per line.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const pkgDir = dirname(require.resolve('emoji-toolkit/package.json'));
const version = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')).version;
const data = JSON.parse(readFileSync(join(pkgDir, 'emoji.json'), 'utf8'));

const SKIN = ['light', 'medium_light', 'medium', 'medium_dark', 'dark'];
const TONE_CP = ['1f3fb', '1f3fc', '1f3fd', '1f3fe', '1f3ff'];
const NAME = /^:([a-z0-9_+\-\u00f1]+):$/;
const CPS = /^[0-9a-f]+(-[0-9a-f]+)*$/;

// ---- collect name -> code points, checking the data's shape -----------------
const expected = new Map(); // name -> "1f44d-1f3fd"
const emoji = []; // { key, order, names[], cps, parent, tones[] }
for (const [key, e] of Object.entries(data)) {
    const cps = e.code_points && e.code_points.fully_qualified;
    if (typeof cps !== 'string' || !CPS.test(cps)) {
        throw new Error(`emoji ${key}: unexpected code points ${JSON.stringify(cps)}`);
    }
    const names = [];
    for (const sn of [e.shortname, ...(e.shortname_alternates || [])]) {
        const m = NAME.exec(sn);
        if (!m) {
            throw new Error(`emoji ${key}: unexpected short name ${JSON.stringify(sn)}`);
        }
        const prev = expected.get(m[1]);
        if (prev !== undefined && prev !== cps) {
            throw new Error(`short name ${sn} maps to both ${prev} and ${cps}`);
        }
        if (prev === undefined) {
            expected.set(m[1], cps);
            names.push(m[1]);
        }
    }
    if (names.length) {
        emoji.push({ key, order: e.order, names, cps, parent: e.code_points.diversity_parent, tones: e.diversity || [] });
    }
}
emoji.sort((a, b) => a.order - b.order || (a.key < b.key ? -1 : 1));

// ---- skin-tone templates -----------------------------------------------------
const combos = (k) => {
    const out = [];
    for (let t = 0; t < 5; t++) {
        if (k === 1) {
            out.push([t]);
        } else {
            for (let u = 0; u < 5; u++) {
                if (u !== t) {
                    out.push([t, u]);
                }
            }
        }
    }
    return out;
};
// Same substitution the decoder does (kept in sync by the round-trip check below).
function expand(template, [t, u]) {
    return template
        .replace(/T/g, String(t + 1)).replace(/S/g, SKIN[t]).replace(/C/g, TONE_CP[t])
        .replace(/U/g, String((u ?? 0) + 1)).replace(/R/g, SKIN[u ?? 0]).replace(/D/g, TONE_CP[u ?? 0]);
}
// Template candidate from the variant with tones (1) or (1, 2).
function templateFrom(ref) {
    const two = ref.tones.length === 2;
    const names = ref.names.map((n) => {
        let s = n;
        if (two) {
            s = s.replace(/tone2(?![0-9])/g, 'toneU').replace(/_medium_light_skin_tone/g, '_R_skin_tone');
        }
        return s.replace(/tone1(?![0-9])/g, 'toneT').replace(/_light_skin_tone/g, '_S_skin_tone');
    });
    const cps = ref.cps.split('-').map((c) => (c === TONE_CP[0] ? 'C' : two && c === TONE_CP[1] ? 'D' : c));
    return { names, cps: cps.join('-') };
}
const byGroup = new Map();
for (const e of emoji) {
    if (e.parent && e.tones.length) {
        const g = `${e.parent}|${e.tones.length}`;
        if (!byGroup.has(g)) {
            byGroup.set(g, []);
        }
        byGroup.get(g).push(e);
    }
}
const templated = new Set(); // emoji keys covered by a template
const templateAt = new Map(); // key of the group's first variant -> template
for (const members of byGroup.values()) {
    const k = members[0].tones.length;
    // `diversity` lists the tones sorted, not in sequence order: read them from the code points.
    // A one-tone variant may repeat its tone (couple_with_heart_woman_man_tone1).
    const tonesInOrder = (m) => [...new Set(m.cps.split('-').filter((c) => TONE_CP.includes(c)))].join();
    const ref = members.find((m) => tonesInOrder(m) === TONE_CP.slice(0, k).join());
    if (!ref) {
        continue;
    }
    const tpl = templateFrom(ref);
    const want = new Map(members.map((m) => [m.cps, m]));
    const all = combos(k);
    const ok = all.length === members.length && all.every((c) => {
        const m = want.get(expand(tpl.cps, c));
        return m !== undefined &&
            m.names.join() === tpl.names.map((n) => expand(n, c)).join();
    });
    if (ok) {
        members.forEach((m) => templated.add(m.key));
        templateAt.set(members[0].key, tpl);
    }
}

// ---- encode --------------------------------------------------------------------
function encodeCps(cps) {
    let out = '';
    for (const cp of cps.split('-')) {
        if (cp === '200d') {
            out += '.';
        } else if (cp === 'fe0f') {
            out += '!';
        } else {
            out += (out === '' || /[.!]$/.test(out) ? '' : ' ') + cp.replace(/^0+(?=.)/, '');
        }
    }
    return out;
}
const lines = [];
for (const e of emoji) {
    const tpl = templateAt.get(e.key);
    if (tpl) {
        lines.push(`${tpl.names.join(',')}=${encodeCps(tpl.cps)}`);
    } else if (!templated.has(e.key)) {
        lines.push(`${e.names.join(',')}=${encodeCps(e.cps)}`);
    }
}
// Template literal body: only [a-z0-9_+\-,=.! ] and placeholders, except "ñ".
const body = lines.join('\n').replace(/[^\n\x20-\x7e]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
if (/[`$\\]/.test(body.replace(/\\u[0-9a-f]{4}/g, ''))) {
    throw new Error('table contains characters unsafe in a template literal');
}

// The table file holds only data; lib/emoji/EmojiDecoder.ts (hand-written) expands it.
const src = `// Generated by host/generate-emoji.mjs from emoji-toolkit ${version} (JoyPixels). Do not edit.
// ${emoji.length} emoji, ${expected.size} short names (primary + alternates), keys without colons.
// Encoding (one entry per line, skin-tone templates): see host/generate-emoji.mjs and EmojiDecoder.ts.

export const EMOJI_DATA = \`${body}\`;
`;

const out = join(root, 'lib', 'emoji', 'generated', 'EmojiTable.ts');
writeFileSync(out, src);

// ---- round trip: compile and run the generated file, compare with the data ----
// (typescript is a devDependency already: the same compiler rc-apps uses.)
const ts = require('typescript');
const load = (source) => {
	const cjs = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2017 } });
	const mod = { exports: {} };
	new Function('module', 'exports', cjs.outputText)(mod, mod.exports);
	return mod.exports;
};
const decoder = load(readFileSync(join(root, 'lib', 'emoji', 'EmojiDecoder.ts'), 'utf8'));
const decoded = decoder.decodeEmoji(load(src).EMOJI_DATA);
const got = Object.keys(decoded);
let bad = got.length === expected.size ? 0 : 1;
for (const [name, cps] of expected) {
    const want = String.fromCodePoint(...cps.split('-').map((c) => parseInt(c, 16)));
    if (decoded[name] !== want) {
        bad++;
        console.error(`round trip: ${name}: got ${JSON.stringify(decoded[name])}, want ${JSON.stringify(want)}`);
    }
}
if (bad) {
    throw new Error(`round trip failed (${got.length} decoded names, ${expected.size} expected)`);
}
console.log(`wrote ${out}: emoji-toolkit ${version}, ${emoji.length} emoji, ${expected.size} names, ` +
    `${lines.length} lines (${templateAt.size} skin-tone templates), ${Buffer.byteLength(src)} bytes; round trip OK`);
