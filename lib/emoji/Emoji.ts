import { decodeEmoji } from './EmojiDecoder';
import { EMOJI_DATA } from './generated/EmojiTable';

/** Decoded once, when the app loads (about 20 ms). */
const EMOJI = decodeEmoji(EMOJI_DATA);

/**
 * One left-to-right pass. At each position the first alternative that matches wins:
 *  1. a fenced code block  ```...```   copied as is (Rocket.Chat renders no emoji in code)
 *  2. an inline code span  `...`       copied as is
 *  3. "://" and the rest of that word  copied as is (URLs: http://x/:smile: stays)
 *  4. ":name" directly followed by ":" a short-code candidate (group 1 = name)
 * Names use JoyPixels' characters: a-z 0-9 _ + - and the "ñ" of "piñata". Matching is
 * case-sensitive like Rocket.Chat's lookup (":Smile:" is plain text there too).
 * The closing ":" of a candidate is only looked at, not consumed: if the name is unknown
 * that colon may open the next code ("10:30:smile:" -> "10:30😄"). Each alternative scans
 * forward only until it ends or fails, so the whole pass is linear in the text length.
 */
const TOKEN = /```[^`]*(?:`(?!``)[^`]*)*```|`[^`\n]+`|:\/\/\S*|:([a-z0-9_+\-\u00f1]+)(?=:)/g;

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * Replaces every `:shortcode:` known to JoyPixels (as Rocket.Chat renders it, alternate
 * names included: `:thumbsup:`, `:+1:`, `:flag_br:`, `:thumbsup_tone3:`) by its Unicode
 * emoji. Unknown codes, times such as `10:30:45`, URLs and code spans are left untouched.
 */
export function shortcodesToUnicode(text: string): string {
    if (text.indexOf(':') < 0) {
        return text;
    }
    const re = TOKEN;
    re.lastIndex = 0;
    let out = '';
    let copied = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
        const name = m[1];
        if (name !== undefined && hasOwn.call(EMOJI, name)) {
            out += text.slice(copied, m.index) + EMOJI[name];
            copied = re.lastIndex + 1; // drop the closing ":"
            re.lastIndex = copied;
        }
    }
    return copied === 0 ? text : out + text.slice(copied);
}
