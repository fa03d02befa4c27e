/// <reference types="jest" />
import { RoomType } from '@rocket.chat/apps-engine/definition/rooms';
import { IUser, UserType } from '@rocket.chat/apps-engine/definition/users';
import { IRoom } from '@rocket.chat/apps-engine/definition/rooms';
import { JobId } from '../../lib/jobs/JobIds';
import { Keys } from '../../lib/core/Associations';
import { SettingId } from '../../settings/SettingId';
import { SECOND } from '../fakes/Clock';
import { Harness, WEBHOOK_URL } from '../fakes/Harness';
import { SECRET } from '../fakes/Requests';
import { SITE_URL } from '../fakes/World';
import { Outbox } from '../../lib/delivery/Outbox';
import { agentMessagePayload } from '../../lib/delivery/WebhookPayloads';
import { TicketStore } from '../../lib/tickets/TicketStore';

async function openTicket(h: Harness = new Harness()) {
    const roomId = await h.openRoom('T1', '1234', { name: 'Ana' });
    return { h, roomId };
}

const agentMessages = (h: Harness) => h.world.httpFake.postedBodies.filter((b) => b.type === 'agent-message');

describe('AgentMessageHandler (PROTOCOL §3 agent-message)', () => {
    it("sends an agent's message in one of our rooms as an agent-message webhook", async () => {
        const { h, roomId } = await openTicket();
        await h.agentSays(roomId, 'Hello, how can I help?');
        expect(h.world.httpFake.posts).toHaveLength(1);
        const [post] = h.world.httpFake.posts;
        expect(post.url).toBe(WEBHOOK_URL);
        expect(post.body).toEqual({
            type: 'agent-message', ticketId: 'T1', visitor: { token: '1234' }, data: { text: 'Hello, how can I help?', attachments: [] },
        });
        expect(post.options.headers).toEqual(expect.objectContaining({ 'Authorization': `Token ${SECRET}`, 'Content-Type': 'application/json' }));
    });

    it('uses the request-timeout setting for the webhook request', async () => {
        const { h, roomId } = await openTicket();
        h.setSetting(SettingId.RequestTimeout, 30);
        await h.agentSays(roomId, 'hi');
        expect(h.world.httpFake.posts[0].options.timeout).toBe(30 * SECOND);
    });

    it('converts emoji short codes to Unicode', async () => {
        const { h, roomId } = await openTicket();
        await h.agentSays(roomId, 'Done :smile: :+1:');
        expect((agentMessages(h)[0].data as { text: string }).text).toBe('Done 😄 👍');
    });

    describe('what is not an agent message', () => {
        const notSent: Array<[string, { [key: string]: unknown }]> = [
            ['a visitor message (visitor set)', { visitor: { token: '1234' } }],
            ['a visitor message (token set)', { token: '1234' }],
            ['a visitor message (token among the unmapped properties)', { _unmappedProperties_: { token: '1234' } }],
            ["the app's own message", { sender: { id: 'app-user', username: 'tickets.bot', type: UserType.APP } as IUser }],
            ['a bot message', { sender: { id: 'bot', username: 'bot', type: UserType.BOT } as IUser }],
            ['a system message (type)', { type: 'uj' }],
            ['a system message (t among the unmapped properties)', { _unmappedProperties_: { t: 'livechat-close' } }],
            ['a message without a sender', { sender: undefined }],
        ];

        it.each(notSent)('sends nothing for %s', async (label, extra) => {
            const { h, roomId } = await openTicket();
            await h.agentSays(roomId, 'text', extra);
            expect(h.world.httpFake.posts).toHaveLength(0);
            expect(h.world.scheduler.jobs(JobId.Deliver)).toHaveLength(0);
        });

        it('sends nothing for a livechat room the app did not open', async () => {
            const { h } = await openTicket();
            await h.agentSays('someone-elses-room', 'hello');
            expect(h.world.httpFake.posts).toHaveLength(0);
        });

        it('sends nothing for a message in a channel', async () => {
            const { h, roomId } = await openTicket();
            await h.agentSays(roomId, 'hello', { room: { id: roomId, type: RoomType.CHANNEL } as IRoom });
            expect(h.world.httpFake.posts).toHaveLength(0);
        });

        it('sends nothing for an empty message without files', async () => {
            const { h, roomId } = await openTicket();
            await h.agentSays(roomId, '   ');
            expect(h.world.httpFake.posts).toHaveLength(0);
        });

        it('sends nothing for a message written after the room was closed', async () => {
            const { h, roomId } = await openTicket();
            await h.closeInRocketChat(roomId);
            h.clock.advance(1 * SECOND);
            await h.agentSays(roomId, 'too late');
            expect(agentMessages(h)).toHaveLength(0);
        });
    });

    it('still sends a message written just before the close but handled after it', async () => {
        const { h, roomId } = await openTicket();
        const writtenAt = h.clock.date();
        h.clock.advance(1 * SECOND);
        await h.closeInRocketChat(roomId);
        await h.agentSays(roomId, 'bye', { createdAt: writtenAt });
        expect(agentMessages(h).map((b) => (b.data as { text: string }).text)).toEqual(['bye']);
    });

    it("leaves no sent mark for a message handled after its ticket's close-room went out", async () => {
        const { h, roomId } = await openTicket();
        const writtenAt = h.clock.date();
        h.clock.advance(1 * SECOND);
        await h.closeInRocketChat(roomId);
        h.clock.advance(3 * SECOND);
        await h.runDueJobs();
        await h.agentSays(roomId, 'late', { createdAt: writtenAt });
        expect(h.world.httpFake.postedBodies.map((b) => b.type)).toEqual(['close-room', 'agent-message']);
        // nothing after it needs the order check, and no close-room would come to remove the mark
        expect(h.world.persistence.peek(Keys.sentMark('T1'))).toEqual([]);
    });

    it('uses the time of handling for a message without createdAt', async () => {
        const { h, roomId } = await openTicket();
        await h.agentSays(roomId, 'no date', { createdAt: undefined });
        expect(agentMessages(h)).toHaveLength(1);
    });

    describe('files', () => {
        it('sends an uploaded file as an absolute Site_Url link with its real MIME type', async () => {
            const { h, roomId } = await openTicket();
            await h.agentSays(roomId, 'here is the form', { file: { _id: 'file-1', name: 'form v2.pdf', type: 'application/pdf' } });
            expect(agentMessages(h)[0].data).toEqual({
                text: 'here is the form',
                attachments: [{ type: 'application/pdf', url: `${SITE_URL}/file-upload/file-1/form%20v2.pdf` }],
            });
        });

        it('sends every file of a multi-file message (unmapped `files`), each once, in order, of any kind', async () => {
            const { h, roomId } = await openTicket();
            await h.agentSays(roomId, '', {
                file: { _id: 'f1', name: 'photo.jpg', type: 'image/jpeg' },
                _unmappedProperties_: { files: [
                    { _id: 'f1', name: 'photo.jpg', type: 'image/jpeg' },
                    { _id: 'f2', name: 'voice.ogg', type: 'audio/ogg' },
                    { _id: 'f3', name: 'clip.mp4', type: 'video/mp4' },
                    { _id: 'f4', name: 'archive.zip', type: 'application/zip' },
                ] },
            });
            expect(agentMessages(h)[0].data).toEqual({
                text: '',
                attachments: [
                    { type: 'image/jpeg', url: `${SITE_URL}/file-upload/f1/photo.jpg` },
                    { type: 'audio/ogg', url: `${SITE_URL}/file-upload/f2/voice.ogg` },
                    { type: 'video/mp4', url: `${SITE_URL}/file-upload/f3/clip.mp4` },
                    { type: 'application/zip', url: `${SITE_URL}/file-upload/f4/archive.zip` },
                ],
            });
        });

        it('passes on only the server\'s own file links, never URLs written into the message\'s attachments', async () => {
            const { h, roomId } = await openTicket();
            await h.agentSays(roomId, 'look', {
                attachments: [{ imageUrl: 'https://evil.example.com/x.png', title: { value: 'x', link: 'javascript:alert(1)' } }],
                file: { _id: '../../etc/passwd', name: '../secret?.pdf', type: 'application/pdf' },
            });
            expect(agentMessages(h)[0].data).toEqual({
                text: 'look',
                attachments: [{ type: 'application/pdf', url: `${SITE_URL}/file-upload/..%2F..%2Fetc%2Fpasswd/..%2Fsecret%3F.pdf` }],
            });
        });

        it('builds the link on a Site_Url with a trailing slash without doubling it', async () => {
            const { h, roomId } = await openTicket();
            h.world.serverSettings.Site_Url = 'https://chat.example.org/sub/';
            await h.agentSays(roomId, '', { file: { _id: 'f1', name: 'a.png', type: 'image/png' } });
            expect((agentMessages(h)[0].data as { attachments: Array<{ url: string }> }).attachments[0].url).toBe('https://chat.example.org/sub/file-upload/f1/a.png');
        });

        it('reads Site_Url only for messages with files', async () => {
            const { h, roomId } = await openTicket();
            await h.agentSays(roomId, 'text only');
            expect(h.world.calls.of('serverSettings.getValueById')).toBe(0);
        });
    });

    it('keeps the message for a retry when RapidPro is down, without failing the event', async () => {
        const { h, roomId } = await openTicket();
        h.world.httpFake.replies(503);
        await h.agentSays(roomId, 'are you there?');
        expect(h.world.scheduler.jobs(JobId.Deliver)).toHaveLength(1);
        await h.runNextJob();
        expect(agentMessages(h).map((b) => (b.data as { text: string }).text)).toEqual(['are you there?', 'are you there?']);
    });

    describe('order and cost', () => {
        it('costs five host calls and the POST: the room read (ticket and queue), store, the room\'s messages, remove, the sent mark', async () => {
            const { h, roomId } = await openTicket();
            await h.agentSays(roomId, 'one');
            h.clock.advance(SECOND);
            h.world.calls.reset();
            await h.agentSays(roomId, 'two');
            expect(agentMessages(h)).toHaveLength(2);
            expect((h.world.calls as unknown as { counts: object }).counts).toEqual({
                'persistence.readByAssociation': 1,
                'persistence.createWithAssociations': 1,
                'rooms.getMessages': 1,
                'http.post': 1,
                'persistence.removeByAssociation': 1,
                'persistence.updateByAssociations': 1,
            });
        });

        it("holds a reply back while the agent's earlier reply, saved first, has not been handled yet", async () => {
            const { h, roomId } = await openTicket();
            const t0 = h.clock.now();
            const inRoom = (id: string, at: number) => ({ id, sender: { _id: 'agent-1' }, createdAt: new Date(at), text: id });
            h.world.roomMessages = async () => [inRoom('m2', t0), inRoom('m1', t0 - 200)];
            await h.agentSays(roomId, 'second', { id: 'm2' });
            expect(agentMessages(h)).toEqual([]);
            await h.agentSays(roomId, 'first', { id: 'm1', createdAt: new Date(t0 - 200) });
            h.clock.advance(SECOND);
            await h.runDueJobs();
            expect(agentMessages(h).map((b) => (b.data as { text: string }).text)).toEqual(['first', 'second']);
        });

        it('reads the queue on its own for a ticket opened by an earlier version, whose queue is not filed under the room', async () => {
            const { h, roomId } = await openTicket();
            const [ticket] = h.ticket('T1');
            const store = new TicketStore(h.world.persistence, h.world.persistence);
            await store.update({ ...ticket, roomQueue: undefined });
            // an event queued before the update, filed under the ticket only, waits for its retry
            h.world.httpFake.replies(503);
            const earlier = new Outbox({
                reader: h.world.persistence, persis: h.world.persistence, scheduler: h.world.scheduler, http: h.world.httpFake,
                logger: h.world.logger.asLogger(), now: h.clock.now, roomMessages: async () => [],
                target: async () => ({ url: WEBHOOK_URL, secret: SECRET, timeoutMs: 15 * SECOND }),
            });
            await earlier.enqueue(agentMessagePayload('T1', '1234', 'old', []), h.clock.now());
            h.clock.advance(SECOND);
            await h.agentSays(roomId, 'new');
            expect(agentMessages(h).map((b) => (b.data as { text: string }).text)).toEqual(['old']);
            h.clock.advance(5 * SECOND);
            await h.runDueJobs();
            expect(agentMessages(h).map((b) => (b.data as { text: string }).text)).toEqual(['old', 'old', 'new']);
        });
    });
});
