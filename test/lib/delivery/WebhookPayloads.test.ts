/// <reference types="jest" />
import { Keys } from '../../../lib/core/Associations';
import { agentMessagePayload, closeRoomPayload, EventType } from '../../../lib/delivery/WebhookPayloads';
import { readWebhookUrl, saveWebhookUrl } from '../../../lib/delivery/WebhookSettings';
import { FakePersistence } from '../../fakes/FakePersistence';

describe('webhook payloads (PROTOCOL §3)', () => {
    it('builds an agent-message', () => {
        expect(agentMessagePayload('T1', '1234', 'hi', [{ type: 'image/png', url: 'https://c.example.com/f.png' }])).toEqual({
            type: 'agent-message', ticketId: 'T1', visitor: { token: '1234' }, data: { text: 'hi', attachments: [{ type: 'image/png', url: 'https://c.example.com/f.png' }] },
        });
    });

    it('builds a close-room', () => {
        expect(closeRoomPayload('T1', '1234')).toEqual({ type: 'close-room', ticketId: 'T1', visitor: { token: '1234' } });
    });

    it('names the event types as RapidPro expects them', () => {
        expect(EventType).toEqual({ AgentMessage: 'agent-message', CloseRoom: 'close-room' });
    });
});

describe('webhook settings storage', () => {
    it('reads nothing before RapidPro registered a URL', async () => {
        expect(await readWebhookUrl(new FakePersistence())).toBeUndefined();
    });

    it('keeps one record and reads back the last URL saved', async () => {
        const persistence = new FakePersistence();
        await saveWebhookUrl(persistence, 'https://a.example.com/cb', 1);
        await saveWebhookUrl(persistence, 'https://b.example.com/cb', 2);
        expect(await readWebhookUrl(persistence)).toBe('https://b.example.com/cb');
        expect(persistence.peek(Keys.webhookSettings())).toEqual([{ url: 'https://b.example.com/cb', updatedAt: 2 }]);
        expect(persistence.size).toBe(1);
    });

    it('ignores a stored record without a URL', async () => {
        const persistence = new FakePersistence();
        await persistence.createWithAssociation({ url: '' }, Keys.webhookSettings());
        expect(await readWebhookUrl(persistence)).toBeUndefined();
    });
});
