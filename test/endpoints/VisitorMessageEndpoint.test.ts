/// <reference types="jest" />
import { Harness } from '../fakes/Harness';

const message = (token: string | number, body: object) => ({ visitor: { token }, ...body });

describe('POST /visitor-message (PROTOCOL §2)', () => {
    it('answers 201 with the message id, posted in the open room as the visitor', async () => {
        const h = new Harness();
        const roomId = await h.openRoom('T1', '1234', { name: 'Ana' });
        const response = await h.call('visitorMessage', 'post', message('1234', { text: 'Hi!' }));
        expect(response.status).toBe(201);
        const [posted] = h.world.rc.messages;
        expect(response.content).toEqual({ id: posted.id });
        expect(posted).toEqual(expect.objectContaining({ kind: 'livechat', roomId, text: 'Hi!', attachments: [] }));
        const visitor = h.world.rc.visitors['1234'];
        expect(posted.visitor).toEqual(expect.objectContaining({ token: '1234', id: visitor.id, username: visitor.username }));
    });

    it('accepts a numeric visitor.token', async () => {
        const h = new Harness();
        await h.openRoom('T1', '1234');
        expect((await h.call('visitorMessage', 'post', message(1234, { text: 'Hi!' }))).status).toBe(201);
    });

    it('answers 405 for GET', async () => {
        const h = new Harness();
        await h.openRoom('T1', '1234');
        const response = await h.call('visitorMessage', 'get', message('1234', { text: 'Hi!' }));
        expect(response).toEqual({ status: 405, content: { error: 'method not allowed: use POST' } });
    });

    it('keeps every attachment in order, shown by MIME type: image, audio, video, anything else as a titled link', async () => {
        const h = new Harness();
        await h.openRoom('T1', '1234');
        const response = await h.call('visitorMessage', 'post', message('1234', {
            text: 'see these',
            attachments: [
                { type: 'image/jpeg', url: 'https://media.example.com/photo.jpg' },
                { type: 'audio/ogg', url: 'https://media.example.com/voice%20note.ogg' },
                { type: 'video/mp4', url: 'https://media.example.com/clip.mp4?sig=abc' },
                { type: 'application/pdf', url: 'https://media.example.com/docs/invoice.pdf' },
                { type: 'IMAGE/PNG', url: 'https://media.example.com/shot.png' },
            ],
        }));
        expect(response.status).toBe(201);
        const [posted] = h.world.rc.messages;
        const title = (value: string, link: string) => ({ value, link, displayDownloadLink: true });
        expect(posted.text).toBe('see these');
        expect(posted.attachments).toEqual([
            { imageUrl: 'https://media.example.com/photo.jpg', title: title('photo.jpg', 'https://media.example.com/photo.jpg') },
            { audioUrl: 'https://media.example.com/voice%20note.ogg', title: title('voice note.ogg', 'https://media.example.com/voice%20note.ogg') },
            { videoUrl: 'https://media.example.com/clip.mp4?sig=abc', title: title('clip.mp4', 'https://media.example.com/clip.mp4?sig=abc') },
            { text: 'application/pdf', title: title('invoice.pdf', 'https://media.example.com/docs/invoice.pdf') },
            { imageUrl: 'https://media.example.com/shot.png', title: title('shot.png', 'https://media.example.com/shot.png') },
        ]);
    });

    it('accepts attachments without text', async () => {
        const h = new Harness();
        await h.openRoom('T1', '1234');
        const response = await h.call('visitorMessage', 'post', message('1234', { attachments: [{ type: 'image/jpeg', url: 'https://m.example.com/a.jpg' }] }));
        expect(response.status).toBe(201);
        expect(h.world.rc.messages[0].attachments).toHaveLength(1);
        expect(h.world.rc.messages[0].text).toBe('');
    });

    it.each([
        ['neither text nor attachments', message('1234', {}), 'text or attachments is required'],
        ['only blank text', message('1234', { text: '  \n ' }), 'text or attachments is required'],
        ['no visitor.token', { visitor: {}, text: 'Hi' }, 'visitor.token is required'],
        ['no visitor', { text: 'Hi' }, 'visitor is required'],
        ['text that is not a string', message('1234', { text: ['Hi'] }), 'text must be a string'],
        ['attachments that are not a list', message('1234', { attachments: { type: 'image/png' } }), 'attachments must be an array'],
        ['an attachment that is not an object', message('1234', { attachments: ['https://m.example.com/a.jpg'] }), 'attachments[0] must be an object'],
        ['an attachment without type', message('1234', { attachments: [{ url: 'https://m.example.com/a.jpg' }] }), 'attachments[0].type is required'],
        ['an attachment without url', message('1234', { text: 'x', attachments: [{ type: 'image/png' }] }), 'attachments[0].url is required'],
        ['an attachment with a relative url', message('1234', { attachments: [{ type: 'image/png', url: '/a.png' }] }), 'attachments[0].url must be an absolute http(s) URL'],
        ['an attachment with a javascript: url', message('1234', { text: 'x', attachments: [{ type: 'image/png', url: 'javascript:alert(1)' }] }), 'attachments[0].url must be an absolute http(s) URL'],
        ['more than 32 attachments', message('1234', { attachments: Array(33).fill({ type: 'image/png', url: 'https://m.example.com/a.png' }) }), 'attachments has more than 32 items'],
    ])('answers 400 naming the field for %s', async (label, body, error) => {
        const h = new Harness();
        await h.openRoom('T1', '1234');
        const response = await h.call('visitorMessage', 'post', body);
        expect(response.status).toBe(400);
        expect(response.content.error).toContain(error);
        expect(h.world.rc.messages).toHaveLength(0);
    });

    it('answers 404 for a visitor the app never saw', async () => {
        const h = new Harness();
        const response = await h.call('visitorMessage', 'post', message('5555', { text: 'Hi!' }));
        expect(response.status).toBe(404);
        expect(response.content).toEqual({ error: 'visitor 5555 has no open room' });
    });

    it('answers 404 once RapidPro closed the room', async () => {
        const h = new Harness();
        await h.openRoom('T1', '1234');
        await h.call('roomClose', 'get', { visitor: { token: '1234' } });
        const response = await h.call('visitorMessage', 'post', message('1234', { text: 'Hi again' }));
        expect(response.status).toBe(404);
        expect(h.world.rc.messages).toHaveLength(0);
    });

    it('answers 404 once an agent closed the room in Rocket.Chat', async () => {
        const h = new Harness();
        const roomId = await h.openRoom('T1', '1234');
        await h.closeInRocketChat(roomId);
        expect((await h.call('visitorMessage', 'post', message('1234', { text: 'Hi again' }))).status).toBe(404);
    });

    it('answers 404 when the room closed under it, leaving the ticket to the close handler so RapidPro still hears close-room', async () => {
        const h = new Harness();
        const roomId = await h.openRoom('T1', '1234');
        const closed = h.world.rc.closeBySomeoneElse(roomId); // the close event has not reached the app yet
        const response = await h.call('visitorMessage', 'post', message('1234', { text: 'Hi again' }));
        expect(response.status).toBe(404);
        await h.roomClosed(closed);
        expect(h.ticket('T1')[0].state).toBe('closed');
        await h.runNextJob(); // close-room is held back a moment (CLOSE_HOLD_MS)
        expect(h.world.httpFake.postedBodies.map((b) => b.type)).toEqual(['close-room']);
    });

    it('answers 503 when Rocket.Chat cannot post into an open room, and logs why', async () => {
        const h = new Harness();
        await h.openRoom('T1', '1234');
        h.world.rc.failFinish = new Error('message rate limit');
        const response = await h.call('visitorMessage', 'post', message('1234', { text: 'Hi!' }));
        expect(response.status).toBe(503);
        expect(response.content).toEqual({ error: 'Rocket.Chat could not post the message now' });
        expect(h.world.logger.has('error', 'message rate limit')).toBe(true);
        expect(h.ticket('T1')[0].state).toBe('open');
    });

    it('posts from stored ids alone: no room or visitor lookup on the busiest path', async () => {
        const h = new Harness();
        await h.openRoom('T1', '1234');
        h.world.calls.reset();
        await h.call('visitorMessage', 'post', message('1234', { text: 'Hi!' }));
        expect(h.world.calls.of('rooms.getById')).toBe(0);
        expect(h.world.calls.total('livechat.')).toBe(0);
        expect(h.world.calls.of('persistence.readByAssociation')).toBe(1);
    });

    it('sends nothing back to RapidPro for the visitor message it posted', async () => {
        const h = new Harness();
        await h.openRoom('T1', '1234');
        await h.call('visitorMessage', 'post', message('1234', { text: 'Hi!' }));
        expect(h.world.httpFake.posts).toHaveLength(0);
    });
});
