/// <reference types="jest" />
import { JobId } from '../../../lib/jobs/JobIds';
import { SettingId } from '../../../settings/SettingId';
import { HOUR, SECOND } from '../../fakes/Clock';
import { Harness } from '../../fakes/Harness';

const page = (results: Array<{ direction: string; text: string; created_on: string }>) => ({ status: 200, data: { next: null, results } });
const CHAT = page([
    { direction: 'in', text: 'I need a human', created_on: '2024-01-15T09:59:00Z' },
    { direction: 'out', text: 'Hi! What do you need?', created_on: '2024-01-15T09:58:00Z' },
]);

async function ticketWithHistory(options: { sessionStart?: string; webhookUrl?: string } = {}) {
    const h = new Harness({ webhookUrl: options.webhookUrl });
    h.setSetting(SettingId.RapidProApiToken, 'api-token');
    const extra = options.sessionStart ? { sessionStart: options.sessionStart } : {};
    const roomId = await h.openRoom('T1', '1234', { contactUUID: 'contact-1' }, extra);
    return { h, roomId };
}

describe('chatbot history (PROTOCOL §4)', () => {
    it('schedules the history when a room opens for a contact, without calling RapidPro during /room', async () => {
        const { h, roomId } = await ticketWithHistory();
        expect(h.world.httpFake.calls).toHaveLength(0);
        expect(h.world.scheduler.jobs(JobId.History)).toEqual([{
            id: JobId.History, when: h.clock.now(), data: { ticketId: 'T1', roomId, contactUuid: 'contact-1', after: h.clock.now() - 6 * HOUR },
        }]);
    });

    it('posts one summary into the room, oldest first, as the app user', async () => {
        const { h, roomId } = await ticketWithHistory();
        h.world.httpFake.replies(CHAT);
        await h.runDueJobs();
        const [request] = h.world.httpFake.calls;
        expect(request.url).toBe(`https://rapidpro.example.com/api/v2/messages.json?contact=contact-1&after=${encodeURIComponent(new Date(h.clock.now() - 6 * HOUR).toISOString())}`);
        expect(request.options.headers).toEqual({ Authorization: 'Token api-token' });
        expect(h.world.rc.messages).toEqual([expect.objectContaining({
            kind: 'message', roomId, sender: h.world.rc.appUser, groupable: false,
            text: 'Chatbot conversation before this ticket (2 messages):\n2024-01-15 09:58 UTC **Bot:** Hi! What do you need?\n2024-01-15 09:59 UTC **Contact:** I need a human',
        })]);
    });

    it('does not turn the summary into an agent-message webhook', async () => {
        const { h, roomId } = await ticketWithHistory();
        h.world.httpFake.replies(CHAT);
        await h.runDueJobs();
        const posted = h.world.rc.messages[0];
        await h.agentSays(roomId, posted.text || '', { sender: posted.sender });
        expect(h.world.httpFake.posts).toHaveLength(0);
    });

    it('starts the window at sessionStart when RapidPro gives it', async () => {
        const { h } = await ticketWithHistory({ sessionStart: '2024-01-15 08:30' });
        expect(h.world.scheduler.jobs(JobId.History)[0].data!.after).toBe(Date.UTC(2024, 0, 15, 8, 30));
    });

    it('reads from the API URL setting when set, instead of the webhook origin', async () => {
        const { h } = await ticketWithHistory();
        h.setSetting(SettingId.RapidProApiUrl, 'https://api.rapidpro.example.org/');
        h.world.httpFake.replies(CHAT);
        await h.runDueJobs();
        expect(h.world.httpFake.calls[0].url.startsWith('https://api.rapidpro.example.org/api/v2/messages.json?')).toBe(true);
    });

    it('posts nothing for an empty history', async () => {
        const { h } = await ticketWithHistory();
        h.world.httpFake.replies(page([]));
        await h.runDueJobs();
        expect(h.world.rc.messages).toEqual([]);
    });

    it('posts nothing when the room is gone', async () => {
        const { h, roomId } = await ticketWithHistory();
        delete h.world.rc.rooms[roomId];
        h.world.httpFake.replies(CHAT);
        await h.runDueJobs();
        expect(h.world.rc.messages).toEqual([]);
    });

    it('is off without a RapidPro API token or without a contact uuid', async () => {
        const h = new Harness();
        await h.openRoom('T1', '1234', { contactUUID: 'contact-1' });
        h.setSetting(SettingId.RapidProApiToken, 'api-token');
        await h.openRoom('T2', '5678');
        expect(h.world.scheduler.jobs(JobId.History)).toEqual([]);
    });

    it('does nothing when the token was removed before the job ran', async () => {
        const { h } = await ticketWithHistory();
        h.setSetting(SettingId.RapidProApiToken, '');
        await h.runDueJobs();
        expect(h.world.httpFake.calls).toHaveLength(0);
    });

    it('logs and skips the history when no API address is known yet', async () => {
        const { h } = await ticketWithHistory({ webhookUrl: '' });
        await h.runDueJobs();
        expect(h.world.httpFake.calls).toHaveLength(0);
        expect(h.world.logger.has('warn', 'API URL is not known')).toBe(true);
    });

    it('retries a failing API a few times with growing delays, then gives up and logs it', async () => {
        const { h } = await ticketWithHistory();
        h.world.httpFake.replies(503, new Error('ETIMEDOUT'), 502, 503);
        const delays: Array<number> = [];
        for (let i = 0; i < 4; i++) {
            await h.runNextJob();
            const next = h.world.scheduler.jobs(JobId.History)[0];
            if (next) {
                delays.push(next.when - h.clock.now());
            }
        }
        expect(delays).toEqual([5, 10, 20].map((s) => s * SECOND));
        expect(h.world.httpFake.calls).toHaveLength(4);
        expect(h.world.logger.has('error', 'gave up reading the chatbot history')).toBe(true);
        expect(h.world.rc.messages).toEqual([]);
    });

    it('gives up at once on a permanent failure such as a wrong token', async () => {
        const { h } = await ticketWithHistory();
        h.world.httpFake.replies(401);
        await h.runDueJobs();
        expect(h.world.scheduler.jobs(JobId.History)).toEqual([]);
        expect(h.world.logger.has('error', 'check the RapidPro API Token')).toBe(true);
    });

    it('never fails room creation: a scheduling failure is logged and the room still opens', async () => {
        const h = new Harness();
        h.setSetting(SettingId.RapidProApiToken, 'api-token');
        h.world.scheduler.failWith = new Error('scheduler down');
        const response = await h.call('room', 'get', { ticketID: 'T1', visitor: { token: '1234', contactUUID: 'contact-1' } });
        expect(response.status).toBe(200);
        expect(h.world.logger.has('error', 'scheduler down')).toBe(true);
    });
});
