/// <reference types="jest" />

import { shortcodesToUnicode } from '../../../lib/emoji/Emoji';
import { decodeEmoji } from '../../../lib/emoji/EmojiDecoder';
import { EMOJI_DATA } from '../../../lib/emoji/generated/EmojiTable';

const EMOJI = decodeEmoji(EMOJI_DATA);

// Expected values are written out as code points, independently of the generated table.
const SMILE = '\u{1F604}';
const THUMBSUP = '\u{1F44D}';
const HEART = '\u2764\uFE0F';
const ZWJ = '\u200D';

describe('shortcodesToUnicode', () => {
    it('converts common short names', () => {
        expect(shortcodesToUnicode(':smile:')).toBe(SMILE);
        expect(shortcodesToUnicode(':thumbsup:')).toBe(THUMBSUP);
        expect(shortcodesToUnicode(':heart:')).toBe(HEART);
        expect(shortcodesToUnicode(':joy:')).toBe('\u{1F602}');
        expect(shortcodesToUnicode(':100:')).toBe('\u{1F4AF}');
        expect(shortcodesToUnicode(':-1:')).toBe('\u{1F44E}');
    });

    it('converts alternate short names to the same emoji', () => {
        expect(shortcodesToUnicode(':+1:')).toBe(THUMBSUP);
        expect(shortcodesToUnicode(':thumbup:')).toBe(THUMBSUP);
        expect(shortcodesToUnicode(':thumbs_up:')).toBe(THUMBSUP);
        expect(shortcodesToUnicode(':red_heart:')).toBe(HEART);
        expect(shortcodesToUnicode(':satisfied:')).toBe('\u{1F606}');
    });

    it('converts flags', () => {
        expect(shortcodesToUnicode(':flag_br:')).toBe('\u{1F1E7}\u{1F1F7}');
        expect(shortcodesToUnicode(':br:')).toBe('\u{1F1E7}\u{1F1F7}');
        expect(shortcodesToUnicode(':flag_us:')).toBe('\u{1F1FA}\u{1F1F8}');
        expect(shortcodesToUnicode(':rainbow_flag:')).toBe('\u{1F3F3}\uFE0F' + ZWJ + '\u{1F308}');
        expect(shortcodesToUnicode(':england:')).toBe('\u{1F3F4}\u{E0067}\u{E0062}\u{E0065}\u{E006E}\u{E0067}\u{E007F}');
    });

    it('keeps the variation selector JoyPixels defines', () => {
        expect(shortcodesToUnicode(':relaxed:')).toBe('\u263A\uFE0F');
        expect(shortcodesToUnicode(':hash:')).toBe('#\uFE0F\u20E3');
        expect(shortcodesToUnicode(':detective:')).toBe('\u{1F575}\uFE0F');
    });

    it('converts skin tone variants, all five tones and both name styles', () => {
        expect(shortcodesToUnicode(':thumbsup_tone1:')).toBe('\u{1F44D}\u{1F3FB}');
        expect(shortcodesToUnicode(':thumbsup_tone3:')).toBe('\u{1F44D}\u{1F3FD}');
        expect(shortcodesToUnicode(':+1_tone3:')).toBe('\u{1F44D}\u{1F3FD}');
        expect(shortcodesToUnicode(':thumbsup_tone5:')).toBe('\u{1F44D}\u{1F3FF}');
        expect(shortcodesToUnicode(':wave_tone2:')).toBe('\u{1F44B}\u{1F3FC}');
        expect(shortcodesToUnicode(':man_technologist_tone1:')).toBe('\u{1F468}\u{1F3FB}' + ZWJ + '\u{1F4BB}');
        expect(shortcodesToUnicode(':man_technologist_medium_dark_skin_tone:'))
            .toBe('\u{1F468}\u{1F3FE}' + ZWJ + '\u{1F4BB}');
        expect(shortcodesToUnicode(':woman_golfing_tone4:'))
            .toBe('\u{1F3CC}\u{1F3FE}' + ZWJ + '\u2640\uFE0F');
    });

    it('converts two-person sequences with one or two skin tones', () => {
        expect(shortcodesToUnicode(':couple_with_heart_woman_man_medium_skin_tone:'))
            .toBe('\u{1F469}\u{1F3FD}' + ZWJ + HEART + ZWJ + '\u{1F468}\u{1F3FD}');
        expect(shortcodesToUnicode(':kiss_woman_man_tone1_tone5:'))
            .toBe('\u{1F469}\u{1F3FB}' + ZWJ + HEART + ZWJ + '\u{1F48B}' + ZWJ + '\u{1F468}\u{1F3FF}');
        expect(shortcodesToUnicode(':handshake_tone2_tone1:'))
            .toBe('\u{1FAF1}\u{1F3FC}' + ZWJ + '\u{1FAF2}\u{1F3FB}');
        expect(shortcodesToUnicode(':handshake_light_skin_tone_dark_skin_tone:'))
            .toBe('\u{1FAF1}\u{1F3FB}' + ZWJ + '\u{1FAF2}\u{1F3FF}');
        // Same tone twice is a one-tone name, not a "_tone3_tone3" one.
        expect(shortcodesToUnicode(':handshake_tone3_tone3:')).toBe(':handshake_tone3_tone3:');
    });

    it('converts ZWJ family sequences', () => {
        expect(shortcodesToUnicode(':family:')).toBe('\u{1F46A}');
        expect(shortcodesToUnicode(':family_mwgb:'))
            .toBe('\u{1F468}' + ZWJ + '\u{1F469}' + ZWJ + '\u{1F467}' + ZWJ + '\u{1F466}');
        expect(shortcodesToUnicode(':family_man_woman_boy:'))
            .toBe('\u{1F468}' + ZWJ + '\u{1F469}' + ZWJ + '\u{1F466}');
        expect(shortcodesToUnicode(':family_wwg:')).toBe('\u{1F469}' + ZWJ + '\u{1F469}' + ZWJ + '\u{1F467}');
    });

    it('converts the one non-ASCII name', () => {
        expect(shortcodesToUnicode(':pi\u00F1ata:')).toBe('\u{1FA85}');
    });

    it('leaves unknown codes untouched', () => {
        expect(shortcodesToUnicode(':notanemoji:')).toBe(':notanemoji:');
        expect(shortcodesToUnicode('see :foo_bar: and :smile_:')).toBe('see :foo_bar: and :smile_:');
        expect(shortcodesToUnicode('::')).toBe('::');
        expect(shortcodesToUnicode(':::')).toBe(':::');
        expect(shortcodesToUnicode(':smile')).toBe(':smile');
        expect(shortcodesToUnicode('smile:')).toBe('smile:');
        expect(shortcodesToUnicode(': smile :')).toBe(': smile :');
    });

    it('is case-sensitive, like the Rocket.Chat lookup', () => {
        expect(shortcodesToUnicode(':Smile:')).toBe(':Smile:');
        expect(shortcodesToUnicode(':SMILE:')).toBe(':SMILE:');
        expect(shortcodesToUnicode(':FLAG_BR:')).toBe(':FLAG_BR:');
    });

    it('does not find Object.prototype members', () => {
        for (const code of [':constructor:', ':__proto__:', ':tostring:', ':hasownproperty:', ':valueof:']) {
            expect(shortcodesToUnicode(code)).toBe(code);
        }
    });

    it('leaves times, ratios and URLs untouched', () => {
        for (const text of [
            '10:30:45',
            'meet at 10:30 or 10:30:45 tomorrow',
            'score 3:1:2',
            'http://x',
            'https://example.com/a:smile:b?q=:heart:',
            'see http://example.com:8080/:thumbsup: now',
            'mailto:someone@example.com',
            'C:\\Users\\smile',
        ]) {
            expect(shortcodesToUnicode(text)).toBe(text);
        }
        expect(shortcodesToUnicode('http://x :smile:')).toBe('http://x ' + SMILE);
    });

    it('converts a code right after a time or unknown code (reuses the closing colon)', () => {
        expect(shortcodesToUnicode('at 10:30:smile:')).toBe('at 10:30' + SMILE);
        expect(shortcodesToUnicode(':nope:smile:')).toBe(':nope' + SMILE);
        expect(shortcodesToUnicode('::smile::')).toBe(':' + SMILE + ':');
    });

    it('handles adjacent codes', () => {
        expect(shortcodesToUnicode(':smile::smile:')).toBe(SMILE + SMILE);
        expect(shortcodesToUnicode(':smile::+1::heart:')).toBe(SMILE + THUMBSUP + HEART);
        expect(shortcodesToUnicode(':thumbsup::skin-tone-2:')).toBe(THUMBSUP + ':skin-tone-2:');
        // The colon closing the first code is not reused to open another one.
        expect(shortcodesToUnicode(':smile:smile:')).toBe(SMILE + 'smile:');
        expect(shortcodesToUnicode('a:smile:b')).toBe('a' + SMILE + 'b');
    });

    it('handles several codes per line and several lines', () => {
        expect(shortcodesToUnicode('Hi :smile: thanks :+1: bye :heart:!'))
            .toBe('Hi ' + SMILE + ' thanks ' + THUMBSUP + ' bye ' + HEART + '!');
        expect(shortcodesToUnicode(':smile:\n:heart:\n\nok :flag_br:'))
            .toBe(SMILE + '\n' + HEART + '\n\nok \u{1F1E7}\u{1F1F7}');
    });

    it('leaves code spans and code blocks untouched, as Rocket.Chat renders them', () => {
        expect(shortcodesToUnicode('type `:smile:` for :smile:')).toBe('type `:smile:` for ' + SMILE);
        expect(shortcodesToUnicode('```\n:smile: `x`\n```\n:smile:')).toBe('```\n:smile: `x`\n```\n' + SMILE);
        // An unclosed backtick is plain text.
        expect(shortcodesToUnicode('it`s :smile:')).toBe('it`s ' + SMILE);
        expect(shortcodesToUnicode('``` :smile:')).toBe('``` ' + SMILE);
    });

    it('leaves text without codes as is', () => {
        expect(shortcodesToUnicode('')).toBe('');
        expect(shortcodesToUnicode('plain text')).toBe('plain text');
        expect(shortcodesToUnicode('already \u{1F604} unicode')).toBe('already \u{1F604} unicode');
    });

    it('gives the same result when called repeatedly (no state kept between calls)', () => {
        expect(shortcodesToUnicode('x :smile: :smile:')).toBe('x ' + SMILE + ' ' + SMILE);
        expect(shortcodesToUnicode(':smile:')).toBe(SMILE);
        expect(shortcodesToUnicode('x :smile: :smile:')).toBe('x ' + SMILE + ' ' + SMILE);
    });

    it('stays linear on large and adversarial input', () => {
        const n = 200000;
        const inputs = [
            ':smile:'.repeat(n / 7),
            ':a'.repeat(n / 2),
            ':'.repeat(n),
            'a'.repeat(n) + ':',
            '`'.repeat(n),
            '```' + ' :x'.repeat(n / 3),
            '`:a'.repeat(n / 3),
            '://'.repeat(n / 3),
        ];
        const start = Date.now();
        for (const text of inputs) {
            shortcodesToUnicode(text);
        }
        expect(shortcodesToUnicode(':smile:'.repeat(1000))).toBe(SMILE.repeat(1000));
        // A quadratic pass over 200k characters would take minutes.
        expect(Date.now() - start).toBeLessThan(3000);
    });
});

describe('EMOJI table', () => {
    it('holds every JoyPixels short name, without colons', () => {
        const names = Object.keys(EMOJI);
        expect(names.length).toBe(6548);
        expect(names.filter((name) => !/^[a-z0-9_+\-\u00F1]+$/.test(name) || !EMOJI[name])).toEqual([]);
        expect(EMOJI.thumbsup).toBe(THUMBSUP);
        expect(EMOJI['+1']).toBe(THUMBSUP);
        expect(EMOJI.thumbup).toBe(THUMBSUP);
    });
});
