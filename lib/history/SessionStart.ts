/**
 * When the chatbot session started, from RapidPro's formats: `2020-07-17 10:28`
 * (its own, in UTC), or ISO 8601 with or without seconds, fraction and zone
 * (no zone means UTC). Undefined when it cannot be read.
 */
export function parseSessionStart(value: string | undefined): number | undefined {
    if (!value) {
        return undefined;
    }
    const match = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i.exec(value.trim());
    if (!match) {
        return undefined;
    }
    const [, y, mo, d, h, mi, s, fraction, zone] = match;
    const millis = fraction ? Math.round(Number(`0.${fraction}`) * 1000) : 0;
    let time = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), s ? Number(s) : 0, millis);
    if (Number(mo) > 12 || Number(d) > 31 || Number(h) > 23 || Number(mi) > 59 || (s && Number(s) > 59)) {
        return undefined;
    }
    if (zone && zone.toUpperCase() !== 'Z') {
        const sign = zone[0] === '-' ? -1 : 1;
        const digits = zone.slice(1).replace(':', '');
        const offsetMinutes = Number(digits.slice(0, 2)) * 60 + (digits.length > 2 ? Number(digits.slice(2)) : 0);
        time -= sign * offsetMinutes * 60000;
    }
    return isNaN(time) ? undefined : time;
}

/** Start of the history window: the session start when RapidPro gave one, else `hours` before now. */
export function historyWindowStart(sessionStart: string | undefined, hours: number, now: number): number {
    const parsed = parseSessionStart(sessionStart);
    return parsed !== undefined && parsed <= now ? parsed : now - hours * 3600 * 1000;
}
