import { IHttp } from '@rocket.chat/apps-engine/definition/accessors';
import { originOf, withOriginsOnly } from '../core/Url';
import { RapidProMessage } from './HistoryFormat';

/** At most this many pages (RapidPro serves up to 250 messages a page) per room. */
export const MAX_HISTORY_PAGES = 8;

/** Where the history is read: the API URL setting, else the origin of the webhook URL RapidPro registered (PROTOCOL §4). */
export function historyApiBase(apiUrl: string, webhookUrl: string | undefined): string {
    return apiUrl || originOf(webhookUrl || '');
}

/** A failed API read; `transient` ones are worth another try later. */
export class ApiFailure extends Error {
    constructor(message: string, public readonly transient: boolean) {
        super(message);
    }
}

export interface HistoryQuery {
    apiBase: string;
    token: string;
    contactUuid: string;
    after: number;
    timeoutMs: number;
}

/**
 * The contact's messages since `after`, newest first as RapidPro returns them,
 * following `next` links, but only on the API's own origin: the app sends its
 * API token nowhere else.
 */
export async function fetchContactMessages(http: IHttp, query: HistoryQuery): Promise<Array<RapidProMessage>> {
    const origin = originOf(query.apiBase);
    let url: string | undefined = `${query.apiBase.replace(/\/+$/, '')}/api/v2/messages.json` +
        `?contact=${encodeURIComponent(query.contactUuid)}&after=${encodeURIComponent(new Date(query.after).toISOString())}`;
    const messages: Array<RapidProMessage> = [];
    for (let page = 0; url && page < MAX_HISTORY_PAGES; page++) {
        const body = await getPage(http, url, query);
        messages.push(...body.results);
        url = typeof body.next === 'string' && originOf(body.next) === origin ? body.next : undefined;
    }
    return messages;
}

async function getPage(http: IHttp, url: string, query: HistoryQuery): Promise<{ results: Array<RapidProMessage>; next?: unknown }> {
    let response;
    try {
        response = await http.get(url, { headers: { Authorization: `Token ${query.token}` }, timeout: query.timeoutMs });
    } catch (e) {
        throw new ApiFailure(`RapidPro API request failed: ${failureText(e, query.timeoutMs)}`, true);
    }
    const status = response.statusCode;
    if (status < 200 || status >= 300) {
        const transient = status === 408 || status === 429 || status >= 500;
        throw new ApiFailure(`RapidPro API answered HTTP ${status}${status === 401 || status === 403 ? ' (check the RapidPro API Token)' : ''}`, transient);
    }
    const body = pageOf(response.data, response.content);
    if (!body || !Array.isArray(body.results)) {
        throw new ApiFailure('RapidPro API answered something that is not a messages page', false);
    }
    return body;
}

/**
 * The parsed page. Rocket.Chat fills `data` only when the content type is exactly
 * application/json (or JavaScript) and leaves it null otherwise, so a proxy that
 * relabels the answer (text/plain, application/vnd…+json) must not lose the page:
 * then the text in `content` is parsed here.
 */
function pageOf(data: unknown, content: unknown): any {
    if (data !== null && data !== undefined) {
        return data;
    }
    if (typeof content !== 'string') {
        return undefined;
    }
    try {
        return JSON.parse(content);
    } catch (e) {
        return undefined;
    }
}

/**
 * Why the request failed, fit for the log: Rocket.Chat's bridge rejects a timeout
 * as "The user aborted a request." (the app never aborts a request itself), and a
 * network error with the whole URL, whose path and query (the contact) stay out.
 */
function failureText(e: unknown, timeoutMs: number): string {
    const message = e instanceof Error ? e.message : String(e);
    if (/aborted/i.test(message)) {
        return `no answer within ${Math.round(timeoutMs / 1000)} s`;
    }
    return withOriginsOnly(message);
}
