/// <reference types="jest" />
import { IRoom, RoomType } from '@rocket.chat/apps-engine/definition/rooms';
import { SlashCommandContext } from '@rocket.chat/apps-engine/definition/slashcommands';
import { IUser } from '@rocket.chat/apps-engine/definition/users';
import { readStatus } from '../../../lib/status/readStatus';
import { languageOf, Status, statusText, text } from '../../../lib/status/StatusText';
import { TicketsCommand } from '../../../lib/status/TicketsCommand';
import { SettingId } from '../../../settings/SettingId';
import { Harness } from '../../fakes/Harness';
import { SECRET } from '../../fakes/Requests';

const admin = (language?: string) => ({ id: 'u1', username: 'admin', roles: ['admin'], settings: { preferences: { language } } }) as unknown as IUser;
const agent = { id: 'u2', username: 'agent', roles: ['livechat-agent'] } as unknown as IUser;
const room = { id: 'GENERAL', type: RoomType.CHANNEL } as IRoom;

async function run(h: Harness, user: IUser, ...args: Array<string>): Promise<string> {
    const w = h.world;
    await new TicketsCommand(h.runtime).executor(new SlashCommandContext(user, room, args), w.read, w.modify, w.http, w.persis);
    const last = w.rc.notifications[w.rc.notifications.length - 1];
    expect(last.user.id).toBe(user.id);
    expect(last.roomId).toBe('GENERAL');
    return last.text || '';
}

const status = (extra: Partial<Status> = {}): Status => ({ secretSet: true, webhookHost: 'rapidpro.example.com', openTickets: 2, pending: 1, failed: 0, history: 'off', problems: [], ...extra });

describe('/tickets', () => {
    it('is only for administrators and livechat managers', async () => {
        const h = new Harness();
        expect(await run(h, agent, 'status')).toBe('Only administrators can use /tickets.');
        expect(await run(h, { ...agent, roles: ['livechat-manager'] } as IUser, 'status')).toContain('Open tickets');
    });

    it('status reports secret, webhook host, tickets and queues without revealing secrets', async () => {
        const h = new Harness();
        await h.openRoom('T1', '1234');
        h.world.httpFake.replies(404);
        await h.agentSays(h.ticket('T1')[0].roomId, 'lost');
        const answer = await run(h, admin(), 'status');
        expect(answer).toContain('App Secret: set');
        expect(answer).toContain('RapidPro webhook: rapidpro.example.com');
        expect(answer).toContain('Open tickets: 1');
        expect(answer).toContain('Webhooks given up: 1');
        expect(answer).toContain('agent-message (ticket T1): RapidPro answered HTTP 404');
        expect(answer).toContain('/tickets retry');
        expect(answer).not.toContain(SECRET);
        expect(answer).not.toContain('event_callback');
    });

    it('status is the default action, and answers in the user\'s language', async () => {
        const h = new Harness({ secret: '', webhookUrl: '' });
        const answer = await run(h, admin('pt-BR'));
        expect(answer).toContain('Segredo do App: não definido');
        expect(answer).toContain('ainda não registrado');
    });

    it('retry queues the given-up webhooks again and says how many', async () => {
        const h = new Harness();
        await h.openRoom('T1', '1234');
        h.world.httpFake.replies(404);
        await h.agentSays(h.ticket('T1')[0].roomId, 'lost');
        expect(await run(h, admin(), 'retry')).toBe('1 given-up webhook(s) queued again.');
        await h.runNextJob();
        expect(h.world.httpFake.posts).toHaveLength(2);
    });

    it('explains its usage for an unknown action', async () => {
        expect(await run(new Harness(), admin('es'), 'frobnicate')).toBe('Uso: `/tickets status` o `/tickets retry`');
    });
});

describe('readStatus', () => {
    it('reports history as off, as the host it reads from, or as lacking an address', async () => {
        const h = new Harness();
        const w = h.world;
        const read = () => readStatus(h.runtime, w.read, w.modify, w.http, w.persis);
        expect((await read()).history).toBe('off');
        h.setSetting(SettingId.RapidProApiToken, 'tok');
        expect((await read()).history).toBe('rapidpro.example.com');
        h.setSetting(SettingId.RapidProApiUrl, 'https://api.example.org/');
        expect((await read()).history).toBe('api.example.org');
        const none = new Harness({ webhookUrl: '' });
        none.setSetting(SettingId.RapidProApiToken, 'tok');
        expect((await readStatus(none.runtime, none.world.read, none.world.modify, none.world.http, none.world.persis)).history).toBe('no-url');
    });

    it('lists settings problems', async () => {
        const h = new Harness();
        h.setSetting(SettingId.RequestTimeout, 9999);
        const s = await readStatus(h.runtime, h.world.read, h.world.modify, h.world.http, h.world.persis);
        expect(s.problems).toEqual(['request_timeout must be a number between 0 and 300; using 15']);
        expect(statusText(s, 'en')).toContain('Settings problems: request_timeout must be a number between 0 and 300; using 15');
    });
});

describe('StatusText', () => {
    it('picks the language from the preference, English by default', () => {
        expect(languageOf('pt')).toBe('pt-BR');
        expect(languageOf('pt-BR')).toBe('pt-BR');
        expect(languageOf('es-MX')).toBe('es');
        expect(languageOf('de')).toBe('en');
        expect(languageOf(undefined)).toBe('en');
    });

    it('fills in counts', () => {
        expect(text('en', 'requeued', 3)).toBe('3 given-up webhook(s) queued again.');
    });

    it('shows no retry hint when nothing failed', () => {
        expect(statusText(status(), 'en')).not.toContain('/tickets retry');
        expect(statusText(status({ history: 'no-url' }), 'en')).toContain('Chatbot history: token set, but no API address known yet');
        expect(statusText(status({ history: 'rapidpro.example.com' }), 'es')).toContain('Historial del chatbot: rapidpro.example.com');
    });
});
