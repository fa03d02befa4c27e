import { Limits } from './Limits';

/**
 * True for an absolute http(s) URL with a host. Written as a pattern because the
 * app's type settings have no DOM/URL typings, and the check must be the same in
 * every runtime the app runs in.
 */
export function isHttpUrl(value: string): boolean {
    return value.length <= Limits.urlLength && /^https?:\/\/[^\s\/?#@]+(?:[\/?#]\S*)?$/i.test(value);
}

/** `https://host:port` of an absolute URL (no path, no credentials). */
export function originOf(url: string): string {
    const match = /^(https?:\/\/[^\s\/?#]+)/i.exec(url);
    return match ? match[1].replace(/^(https?:\/\/)[^@]*@/i, '$1') : '';
}

/** The host part only, for showing an admin where webhooks go without the path (which may hold a token). */
export function hostOf(url: string): string {
    return originOf(url).replace(/^https?:\/\//i, '');
}

/**
 * `text` with every http(s) URL in it cut down to its origin (credentials dropped
 * too), for logging an error message that quotes a whole URL (Rocket.Chat's HTTP
 * bridge does): paths and queries may hold tokens or a contact's id.
 */
export function withOriginsOnly(text: string): string {
    return text.replace(/https?:\/\/[^\s"'<>]+/gi, (url) => `${originOf(url)}/…`);
}
