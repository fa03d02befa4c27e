/// <reference types="jest" />
import { ApiFailure, fetchContactMessages, MAX_HISTORY_PAGES } from '../../../lib/history/RapidProApi';
import { FakeHttp } from '../../fakes/FakeHttp';

const query = { apiBase: 'https://rapidpro.example.com/', token: 'api-token', contactUuid: 'c uuid', after: Date.UTC(2020, 6, 17, 10, 28), timeoutMs: 15000 };
const page = (texts: Array<string>, next?: string) => ({ status: 200, data: { next, results: texts.map((text) => ({ direction: 'in', text, created_on: '2020-07-17T10:30:00Z' })) } });

async function failureOf(promise: Promise<unknown>): Promise<ApiFailure> {
    try {
        await promise;
    } catch (e) {
        expect(e).toBeInstanceOf(ApiFailure);
        return e as ApiFailure;
    }
    throw new Error('expected a failure');
}

describe('fetchContactMessages (PROTOCOL §4)', () => {
    it("asks messages.json for the contact's messages after the window start, with the API token", async () => {
        const http = new FakeHttp().replies(page(['b', 'a']));
        const messages = await fetchContactMessages(http, query);
        expect(messages.map((m) => m.text)).toEqual(['b', 'a']);
        expect(http.calls).toHaveLength(1);
        expect(http.calls[0].method).toBe('get');
        expect(http.calls[0].url).toBe('https://rapidpro.example.com/api/v2/messages.json?contact=c%20uuid&after=2020-07-17T10%3A28%3A00.000Z');
        expect(http.calls[0].options.headers).toEqual({ Authorization: 'Token api-token' });
        expect(http.calls[0].options.timeout).toBe(15000);
    });

    it('follows next pages on the same origin', async () => {
        const http = new FakeHttp().replies(page(['c'], 'https://rapidpro.example.com/api/v2/messages.json?cursor=2'), page(['b', 'a']));
        expect((await fetchContactMessages(http, query)).map((m) => m.text)).toEqual(['c', 'b', 'a']);
        expect(http.calls[1].url).toBe('https://rapidpro.example.com/api/v2/messages.json?cursor=2');
    });

    it('never sends the API token to another origin', async () => {
        const http = new FakeHttp().replies(page(['c'], 'https://evil.example.net/steal?cursor=2'));
        expect((await fetchContactMessages(http, query)).map((m) => m.text)).toEqual(['c']);
        expect(http.calls).toHaveLength(1);
    });

    it(`reads at most ${MAX_HISTORY_PAGES} pages`, async () => {
        const http = new FakeHttp();
        for (let i = 0; i < MAX_HISTORY_PAGES + 2; i++) {
            http.replies(page([`m${i}`], `https://rapidpro.example.com/api/v2/messages.json?cursor=${i + 1}`));
        }
        expect(await fetchContactMessages(http, query)).toHaveLength(MAX_HISTORY_PAGES);
        expect(http.calls).toHaveLength(MAX_HISTORY_PAGES);
    });

    it('reads a page the bridge leaves as text with data null (a content type other than application/json)', async () => {
        const results = [{ direction: 'out', text: 'hi', created_on: 'x' }];
        const http = new FakeHttp().replies({ status: 200, content: JSON.stringify({ results }), data: null });
        expect((await fetchContactMessages(http, query)).map((m) => m.text)).toEqual(['hi']);
    });

    it('logs a timeout as one and a network error without the path and query of the URL', async () => {
        const timeout = await failureOf(fetchContactMessages(new FakeHttp().replies(new Error('The user aborted a request.')), query));
        expect(timeout.message).toBe('RapidPro API request failed: no answer within 15 s');
        const url = 'https://rapidpro.example.com/api/v2/messages.json?contact=c%20uuid';
        const refused = new Error(`request to ${url} failed, reason: connect ECONNREFUSED 10.0.0.1:443`);
        const failure = await failureOf(fetchContactMessages(new FakeHttp().replies(refused), query));
        expect(failure.message).toBe(
            'RapidPro API request failed: request to https://rapidpro.example.com/… failed, reason: connect ECONNREFUSED 10.0.0.1:443');
    });

    it('reads a page given as JSON text', async () => {
        const http = new FakeHttp().replies({ status: 200, content: JSON.stringify({ results: [{ direction: 'out', text: 'hi', created_on: 'x' }] }) });
        expect((await fetchContactMessages(http, query)).map((m) => m.text)).toEqual(['hi']);
    });

    it('fails transiently on a network error, a timeout, 429 and 5xx', async () => {
        for (const reply of [new Error('ETIMEDOUT'), 408, 429, 500, 503]) {
            const failure = await failureOf(fetchContactMessages(new FakeHttp().replies(reply), query));
            expect(failure.transient).toBe(true);
        }
    });

    it('fails for good on other statuses, pointing at the token on 401 and 403', async () => {
        const unauthorized = await failureOf(fetchContactMessages(new FakeHttp().replies(401), query));
        expect(unauthorized.transient).toBe(false);
        expect(unauthorized.message).toBe('RapidPro API answered HTTP 401 (check the RapidPro API Token)');
        const notFound = await failureOf(fetchContactMessages(new FakeHttp().replies(404), query));
        expect(notFound.message).toBe('RapidPro API answered HTTP 404');
    });

    it('fails for good on an answer that is not a messages page', async () => {
        for (const reply of [{ status: 200, content: '<html>' }, { status: 200, data: { results: 'x' } }, { status: 200 }]) {
            const failure = await failureOf(fetchContactMessages(new FakeHttp().replies(reply), query));
            expect(failure.transient).toBe(false);
            expect(failure.message).toBe('RapidPro API answered something that is not a messages page');
        }
    });
});
