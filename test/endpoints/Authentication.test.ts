/// <reference types="jest" />
import { SettingId } from '../../settings/SettingId';
import { Harness } from '../fakes/Harness';
import { Headers, Method, rapidProHeaders, SECRET } from '../fakes/Requests';

type EndpointName = 'secretCheck' | 'settings' | 'room' | 'roomClose' | 'visitorMessage';

/** Every endpoint with a method it answers and a body that would otherwise be valid. */
const everyEndpoint: Array<[EndpointName, Method, object]> = [
    ['secretCheck', 'get', {}],
    ['settings', 'put', { webhook: { url: 'https://rapidpro.example.com/callback' } }],
    ['room', 'get', { ticketID: 'T1', visitor: { token: '1234' } }],
    ['roomClose', 'get', { visitor: { token: '1234' } }],
    ['visitorMessage', 'post', { visitor: { token: '1234' }, text: 'Hi!' }],
];

const withAuth = (authorization: string): Headers => ({ 'authorization': authorization, 'content-type': 'application/json' });

describe('authentication (PROTOCOL §1)', () => {
    describe.each(everyEndpoint)('%s', (endpoint, method, body) => {
        it('answers 401 "app secret is not configured" before the App Secret is set', async () => {
            const h = new Harness({ secret: '' });
            const response = await h.call(endpoint, method, body);
            expect(response.status).toBe(401);
            expect(response.content).toEqual({ error: 'app secret is not configured' });
        });

        it('answers 401 "unauthorized" without an Authorization header', async () => {
            const h = new Harness();
            const response = await h.call(endpoint, method, body, { 'content-type': 'application/json' });
            expect(response.status).toBe(401);
            expect(response.content).toEqual({ error: 'unauthorized' });
        });

        it('answers 401 "unauthorized" for a wrong secret', async () => {
            const h = new Harness();
            const response = await h.call(endpoint, method, body, withAuth('Token WRONGWRONGWRONGWRONGWRONGWRONG12'));
            expect(response.status).toBe(401);
            expect(response.content).toEqual({ error: 'unauthorized' });
        });

        it('looks at nothing before authentication: no storage, Omnichannel or webhook access', async () => {
            const h = new Harness();
            h.world.calls.reset();
            const response = await h.call(endpoint, method, body, withAuth('Token nope'));
            expect(response.status).toBe(401);
            expect(h.world.calls.total('persistence')).toBe(0);
            expect(h.world.calls.total('livechat')).toBe(0);
            expect(h.world.calls.total('creator')).toBe(0);
            expect(h.world.calls.total('http')).toBe(0);
        });
    });

    it('treats an App Secret of only whitespace as not configured', async () => {
        const h = new Harness({ secret: '   ' });
        const response = await h.call('secretCheck', 'get', undefined, withAuth('Token    '));
        expect(response.status).toBe(401);
        expect(response.content).toEqual({ error: 'app secret is not configured' });
    });

    it('answers 401 for a Bearer token carrying the right secret', async () => {
        const h = new Harness();
        expect((await h.call('secretCheck', 'get', undefined, withAuth(`Bearer ${SECRET}`))).status).toBe(401);
    });

    it('answers 401 for the bare secret without the word Token', async () => {
        const h = new Harness();
        expect((await h.call('secretCheck', 'get', undefined, withAuth(SECRET))).status).toBe(401);
    });

    it.each([
        ['a prefix of the secret', `Token ${SECRET.slice(0, -1)}`],
        ['the secret with an extra character', `Token ${SECRET}X`],
        ['the secret in lower case', `Token ${SECRET.toLowerCase()}`],
        ['an empty token', 'Token '],
    ])('answers 401 for %s', async (label, authorization) => {
        const h = new Harness();
        expect((await h.call('secretCheck', 'get', undefined, withAuth(authorization))).status).toBe(401);
    });

    it.each([
        ['lower-case "token"', `token ${SECRET}`],
        ['upper-case "TOKEN"', `TOKEN ${SECRET}`],
        ['surrounding whitespace', `   Token ${SECRET} \t`],
        ['several spaces after the word', `Token    ${SECRET}`],
    ])('accepts the header with %s', async (label, authorization) => {
        const h = new Harness();
        expect((await h.call('secretCheck', 'get', undefined, withAuth(authorization))).status).toBe(204);
    });

    it('accepts the header whatever the case of its name', async () => {
        const h = new Harness();
        expect((await h.call('secretCheck', 'get', undefined, { Authorization: `Token ${SECRET}` })).status).toBe(204);
    });

    it('trims whitespace around the App Secret setting the same way', async () => {
        const h = new Harness({ secret: `  ${SECRET}\n` });
        expect((await h.call('secretCheck', 'get', undefined, withAuth(`Token ${SECRET}`))).status).toBe(204);
    });

    it('uses a changed App Secret as soon as the admin saves it', async () => {
        const h = new Harness();
        expect((await h.call('secretCheck', 'get', undefined)).status).toBe(204);
        h.setSetting(SettingId.AppSecret, 'ANOTHERSECRET');
        expect((await h.call('secretCheck', 'get', undefined)).status).toBe(401);
        expect((await h.call('secretCheck', 'get', undefined, withAuth('Token ANOTHERSECRET'))).status).toBe(204);
    });

    it('reads the settings once for a burst of requests, not once per request', async () => {
        const h = new Harness();
        await h.call('secretCheck', 'get', undefined);
        const reads = h.world.calls.of('settings.getValueById');
        await h.call('secretCheck', 'get', undefined);
        await h.call('secretCheck', 'get', undefined);
        expect(reads).toBeGreaterThan(0);
        expect(h.world.calls.of('settings.getValueById')).toBe(reads);
    });

    it('answers 401, not 415, for a wrong content type with a wrong secret', async () => {
        const h = new Harness();
        const response = await h.call('room', 'get', 'x', { 'authorization': 'Token nope', 'content-type': 'text/plain' });
        expect(response.status).toBe(401);
    });
});

describe('methods an endpoint does not answer', () => {
    const lacking: Array<[EndpointName, Method, string]> = [
        ['secretCheck', 'delete', 'GET or POST'],
        ['settings', 'get', 'PUT or POST'],
        ['room', 'put', 'GET or POST'],
        ['roomClose', 'patch', 'GET or POST'],
        ['visitorMessage', 'head', 'POST'],
        ['visitorMessage', 'options', 'POST'],
    ];

    it.each(lacking)('%s %s: 401 without the secret, then 405 naming the methods (never the runtime\'s 500)', async (endpoint, method, allowed) => {
        const h = new Harness();
        h.world.calls.reset();
        expect((await h.call(endpoint, method, {}, withAuth('Token nope'))).status).toBe(401);
        const response = await h.call(endpoint, method, { visitor: { token: '1234' } });
        expect(response).toEqual({ status: 405, content: { error: `method not allowed: use ${allowed}` } });
        expect(h.world.calls.total('persistence')).toBe(0);
        expect(h.world.calls.total('livechat')).toBe(0);
    });
});

describe('request body (PROTOCOL §1)', () => {
    it('answers 415 for a content type other than JSON', async () => {
        const h = new Harness();
        const response = await h.call('room', 'get', 'ticketID=T1', { ...rapidProHeaders(), 'content-type': 'application/x-www-form-urlencoded' });
        expect(response.status).toBe(415);
        expect(response.content).toEqual({ error: 'content-type must be application/json' });
    });

    it('accepts application/json with a charset', async () => {
        const h = new Harness();
        const response = await h.call('room', 'get', { ticketID: 'T1', visitor: { token: '1' } }, { ...rapidProHeaders(), 'content-type': 'application/json; charset=utf-8' });
        expect(response.status).toBe(200);
    });

    it('reads a body that arrives as a JSON string', async () => {
        const h = new Harness();
        const response = await h.call('room', 'get', JSON.stringify({ ticketID: 'T1', visitor: { token: '1' } }));
        expect(response.status).toBe(200);
        expect(typeof response.content.id).toBe('string');
    });

    it('answers 400 for a body that is not valid JSON', async () => {
        const h = new Harness();
        const response = await h.call('room', 'get', '{"ticketID": ');
        expect(response.status).toBe(400);
        expect(response.content).toEqual({ error: 'body is not valid JSON' });
    });

    it.each([
        ['an array', [{ ticketID: 'T1' }]],
        ['a JSON array string', '[1,2]'],
        ['a number', 42],
        ['null', null],
        ['no body at all', undefined],
        ['an empty string', '  '],
    ])('answers 400 "body must be a JSON object" for %s', async (label, body) => {
        const h = new Harness();
        const response = await h.call('room', 'get', body);
        expect(response.status).toBe(400);
        expect(response.content).toEqual({ error: 'body must be a JSON object' });
    });

    it('answers 500 without internal detail when something unexpected breaks, and logs the cause', async () => {
        const h = new Harness();
        h.world.rc.getLivechatVisitorByToken = async () => {
            throw new TypeError('db connection reset at 10.0.0.7:27017');
        };
        const response = await h.call('room', 'get', { ticketID: 'T1', visitor: { token: '1234' } });
        expect(response.status).toBe(500);
        expect(response.content).toEqual({ error: 'internal error' });
        expect(h.world.logger.has('error', 'db connection reset')).toBe(true);
    });
});
