/** A message as RapidPro's API v2 `messages.json` returns it (only the fields used). */
export interface RapidProMessage {
    direction: 'in' | 'out' | string;
    text?: string | null;
    created_on: string;
    attachments?: Array<{ content_type?: string; url?: string }> | null;
}

/** Rocket.Chat's default Message_MaxAllowedSize is 5000; stay well under it. */
export const MAX_SUMMARY_LENGTH = 4000;

const pad = (n: number) => (n < 10 ? `0${n}` : String(n));

/** `2020-07-17 10:28 UTC`: RapidPro's times are UTC, and agents in several zones read the same room. */
export function formatTime(iso: string): string {
    const date = new Date(iso);
    if (isNaN(date.getTime())) {
        return iso;
    }
    return `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())} UTC`;
}

/** One line per message, oldest first: who, when, the text and each attachment as a link. */
export function historyLines(newestFirst: Array<RapidProMessage>): Array<string> {
    return newestFirst.slice().reverse().map((message) => {
        const who = message.direction === 'in' ? 'Contact' : 'Bot';
        const parts = [(message.text || '').replace(/\s*\n\s*/g, ' ').trim()];
        for (const attachment of message.attachments || []) {
            if (attachment && attachment.url) {
                parts.push(`[${attachment.content_type || 'file'}](${attachment.url})`);
            }
        }
        return `${formatTime(message.created_on)} **${who}:** ${parts.filter((p) => p !== '').join(' ')}`;
    });
}

/** The summary messages to post: a header, then the lines, split at line boundaries to fit one message each. */
export function historySummaries(newestFirst: Array<RapidProMessage>, maxLength = MAX_SUMMARY_LENGTH): Array<string> {
    if (newestFirst.length === 0) {
        return [];
    }
    const lines = historyLines(newestFirst);
    const header = `Chatbot conversation before this ticket (${lines.length} message${lines.length === 1 ? '' : 's'}):`;
    const summaries: Array<string> = [];
    let current = header;
    for (const full of lines) {
        const line = full.length > maxLength - 12 ? `${full.slice(0, maxLength - 13)}…` : full; // fits after "(continued)\n"
        if (current.length + 1 + line.length > maxLength) {
            summaries.push(current);
            current = '(continued)';
        }
        current += `\n${line}`;
    }
    summaries.push(current);
    return summaries;
}
