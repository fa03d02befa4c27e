/// <reference types="jest" />
import { Keys } from '../../lib/core/Associations';
import { JobId } from '../../lib/jobs/JobIds';
import { Harness } from '../fakes/Harness';

const CALLBACK = 'https://rapidpro.example.com/mr/tickets/types/rocketchat/event_callback/7d1ab2c4-5e6f-4a1b-9c8d-123456789abc';
const settingsBody = (url: unknown) => ({ webhook: { url } });

describe('PUT /settings (PROTOCOL §2)', () => {
    it('answers 204 and stores the callback URL in app persistence', async () => {
        const h = new Harness({ webhookUrl: '' });
        const response = await h.call('settings', 'put', settingsBody(CALLBACK));
        expect(response.status).toBe(204);
        expect(response.content).toBeUndefined();
        expect(h.world.persistence.peek(Keys.webhookSettings())).toEqual([{ url: CALLBACK, updatedAt: h.clock.now() }]);
    });

    it('lets the last URL win, keeping one record', async () => {
        const h = new Harness({ webhookUrl: '' });
        await h.call('settings', 'put', settingsBody('https://old.example.com/cb'));
        await h.call('settings', 'put', settingsBody(CALLBACK));
        expect(h.world.persistence.peek(Keys.webhookSettings())).toEqual([expect.objectContaining({ url: CALLBACK })]);
    });

    it('sends webhooks to the new URL at once, not after a cache expires', async () => {
        const h = new Harness({ webhookUrl: 'https://old.example.com/cb' });
        const roomId = await h.openRoom('T1', '1234');
        await h.agentSays(roomId, 'first');
        await h.call('settings', 'put', settingsBody(CALLBACK));
        await h.agentSays(roomId, 'second');
        expect(h.world.httpFake.posts.map((p) => p.url)).toEqual(['https://old.example.com/cb', CALLBACK]);
    });

    it('survives a restart: a new runtime reads the stored URL', async () => {
        const h = new Harness({ webhookUrl: '' });
        await h.call('settings', 'put', settingsBody(CALLBACK));
        h.restart();
        const roomId = await h.openRoom('T1', '1234');
        await h.agentSays(roomId, 'hello');
        expect(h.world.httpFake.posts.map((p) => p.url)).toEqual([CALLBACK]);
    });

    it('delivers events queued before RapidPro registered its URL', async () => {
        const h = new Harness({ webhookUrl: '' });
        const roomId = await h.openRoom('T1', '1234');
        await h.agentSays(roomId, 'waiting for a URL');
        expect(h.world.httpFake.posts).toHaveLength(0);
        expect(h.world.scheduler.jobs(JobId.Deliver)).toHaveLength(1);

        await h.call('settings', 'put', settingsBody(CALLBACK));
        await h.runNextJob();
        expect(h.world.httpFake.postedBodies.map((b) => (b.data as { text: string }).text)).toEqual(['waiting for a URL']);
    });

    it('trims whitespace around the URL', async () => {
        const h = new Harness({ webhookUrl: '' });
        expect((await h.call('settings', 'put', settingsBody(`  ${CALLBACK}\n`))).status).toBe(204);
        expect(h.world.persistence.peek(Keys.webhookSettings())).toEqual([expect.objectContaining({ url: CALLBACK })]);
    });

    it('answers POST the same way', async () => {
        const h = new Harness({ webhookUrl: '' });
        expect((await h.call('settings', 'post', settingsBody(CALLBACK))).status).toBe(204);
    });

    it.each([
        ['no webhook', {}, 'webhook is required'],
        ['a webhook that is a string', { webhook: CALLBACK }, 'webhook must be an object'],
        ['no url', { webhook: {} }, 'webhook.url is required'],
        ['an empty url', settingsBody(''), 'webhook.url is required'],
        ['a url that is a number', settingsBody(42), 'webhook.url must be a string'],
        ['a relative url', settingsBody('/mr/tickets/callback'), 'webhook.url must be an absolute http(s) URL'],
        ['an ftp url', settingsBody('ftp://rapidpro.example.com/cb'), 'webhook.url must be an absolute http(s) URL'],
        ['a url with spaces', settingsBody('https://rapid pro.example.com/cb'), 'webhook.url must be an absolute http(s) URL'],
        ['a url without host', settingsBody('https:///cb'), 'webhook.url must be an absolute http(s) URL'],
    ])('answers 400 naming the field for %s, and keeps the stored URL', async (label, body, error) => {
        const h = new Harness({ webhookUrl: 'https://old.example.com/cb' });
        const response = await h.call('settings', 'put', body);
        expect(response.status).toBe(400);
        expect(response.content).toEqual({ error });
        expect(h.world.persistence.peek(Keys.webhookSettings())).toEqual([expect.objectContaining({ url: 'https://old.example.com/cb' })]);
    });

    it('answers 405 for GET, and stores nothing', async () => {
        const h = new Harness({ webhookUrl: 'https://old.example.com/cb' });
        const response = await h.call('settings', 'get', settingsBody(CALLBACK));
        expect(response).toEqual({ status: 405, content: { error: 'method not allowed: use PUT or POST' } });
        expect(h.world.persistence.peek(Keys.webhookSettings())).toEqual([expect.objectContaining({ url: 'https://old.example.com/cb' })]);
    });
});
