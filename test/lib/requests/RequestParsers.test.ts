/// <reference types="jest" />
import { AppError } from '../../../lib/core/AppError';
import { JsonObject } from '../../../lib/requests/FieldReader';
import { parseRoomCloseRequest } from '../../../lib/requests/RoomCloseRequest';
import { parseRoomRequest } from '../../../lib/requests/RoomRequest';
import { parseVisitorMessageRequest } from '../../../lib/requests/VisitorMessageRequest';
import { parseWebhookUrl } from '../../../lib/requests/WebhookSettingsRequest';

function badRequest(parse: () => unknown): string {
    try {
        parse();
    } catch (e) {
        expect(e).toBeInstanceOf(AppError);
        expect((e as AppError).status).toBe(400);
        return (e as AppError).message;
    }
    throw new Error('expected a 400');
}

describe('parseRoomRequest', () => {
    it('reads the README example into a typed request', () => {
        const body: JsonObject = {
            ticketId: 'T1', priority: 'high', sessionStart: '2020-07-17 10:28',
            visitor: { token: '1234', contactUuid: 'c-1', department: 'Sales', name: 'Ana', email: 'ana@example.com', phone: '+55 11', customFields: { key: 'value' } },
        };
        expect(parseRoomRequest(body)).toEqual({
            ticketId: 'T1', priority: 'high', sessionStart: '2020-07-17 10:28',
            visitor: { token: '1234', contactUuid: 'c-1', department: 'Sales', name: 'Ana', email: 'ana@example.com', phone: '+55 11', customFields: [['key', 'value']] },
        });
    });

    it('reads what mailroom sends: ticketID, contactUUID, deparment, numeric token', () => {
        const request = parseRoomRequest({ ticketID: '88f2a4c1', visitor: { token: 1234, contactUUID: 'c-1', deparment: 'Sales' } });
        expect(request.ticketId).toBe('88f2a4c1');
        expect(request.visitor).toEqual({
            token: '1234', contactUuid: 'c-1', department: 'Sales', name: undefined, email: undefined, phone: undefined, customFields: [],
        });
    });

    it('accepts numeric ticket id, priority and phone as their decimal strings', () => {
        const request = parseRoomRequest({ ticketId: 42, priority: 1, visitor: { token: '1', phone: 5511999990000 } });
        expect(request.ticketId).toBe('42');
        expect(request.priority).toBe('1');
        expect(request.visitor.phone).toBe('5511999990000');
    });

    it('keeps custom fields as pairs, numbers and booleans as strings, and drops nulls', () => {
        const request = parseRoomRequest({ ticketId: 'T', visitor: { token: '1', customFields: { a: 'x', b: 2, c: false, d: null } } });
        expect(request.visitor.customFields).toEqual([['a', 'x'], ['b', '2'], ['c', 'false']]);
    });

    it('never turns a custom field key into a property', () => {
        const body = JSON.parse('{"ticketId":"T","visitor":{"token":"1","customFields":{"__proto__":"x","constructor":"y"}}}');
        expect(parseRoomRequest(body).visitor.customFields).toEqual([['__proto__', 'x'], ['constructor', 'y']]);
    });

    it.each<[string, JsonObject, string]>([
        ['more than 64 custom fields', { ticketId: 'T', visitor: { token: '1', customFields: Object.assign({}, ...Array.from({ length: 65 }, (_, i) => ({ [`k${i}`]: 'v' }))) } }, 'visitor.customFields has more than 64 keys'],
        ['a custom field key over 255 characters', { ticketId: 'T', visitor: { token: '1', customFields: { ['k'.repeat(256)]: 'v' } } }, 'has a key longer than 255 characters'],
        ['a custom field value over 1024 characters', { ticketId: 'T', visitor: { token: '1', customFields: { k: 'v'.repeat(1025) } } }, 'visitor.customFields.k is longer than 1024 characters'],
        ['a phone over 64 characters', { ticketId: 'T', visitor: { token: '1', phone: '1'.repeat(65) } }, 'visitor.phone is longer than 64 characters'],
        ['a token over 255 characters', { ticketId: 'T', visitor: { token: 't'.repeat(256) } }, 'visitor.token is longer than 255 characters'],
        ['a visitor that is a string', { ticketId: 'T', visitor: '1234' }, 'visitor must be an object'],
    ])('answers 400 for %s', (label, body, message) => {
        expect(badRequest(() => parseRoomRequest(body))).toContain(message);
    });
});

describe('parseRoomRequest problems', () => {
    it('names a visitor that is not an object once', () => {
        expect(badRequest(() => parseRoomRequest({ ticketId: 'T', visitor: '1234' }))).toBe('visitor must be an object');
    });
});

describe('parseRoomCloseRequest', () => {
    it('reads the token, and the ticket id when given', () => {
        expect(parseRoomCloseRequest({ visitor: { token: '1234' } })).toEqual({ token: '1234', ticketId: undefined });
        expect(parseRoomCloseRequest({ ticketID: 'T1', visitor: { token: 1234 } })).toEqual({ token: '1234', ticketId: 'T1' });
    });

    it('answers 400 without a token', () => {
        expect(badRequest(() => parseRoomCloseRequest({ visitor: {} }))).toBe('visitor.token is required');
        expect(badRequest(() => parseRoomCloseRequest({}))).toBe('visitor is required');
    });
});

describe('parseVisitorMessageRequest', () => {
    it('reads text and attachments, lower-casing MIME types', () => {
        const body = { visitor: { token: 1234 }, text: 'Hi!', attachments: [{ type: 'Image/JPEG', url: 'https://m.example.com/a.jpg' }] };
        expect(parseVisitorMessageRequest(body)).toEqual({
            token: '1234', text: 'Hi!', attachments: [{ type: 'image/jpeg', url: 'https://m.example.com/a.jpg' }],
        });
    });

    it('accepts text alone and attachments alone', () => {
        expect(parseVisitorMessageRequest({ visitor: { token: '1' }, text: 'x' }).attachments).toEqual([]);
        expect(parseVisitorMessageRequest({ visitor: { token: '1' }, attachments: [{ type: 'audio/ogg', url: 'https://m.example.com/a.ogg' }] }).text).toBe('');
    });

    it('answers 400 naming every bad attachment', () => {
        const message = badRequest(() => parseVisitorMessageRequest({
            visitor: { token: '1' }, attachments: [{ type: 'image/png' }, 'x', { type: 'image/png', url: 'file:///etc/passwd' }],
        }));
        expect(message).toBe('attachments[0].url is required; attachments[1] must be an object; attachments[2].url must be an absolute http(s) URL');
    });

    it('answers 400 for text over 20000 characters, without also calling the text missing', () => {
        expect(badRequest(() => parseVisitorMessageRequest({ visitor: { token: '1' }, text: 'x'.repeat(20001) }))).toBe('text is longer than 20000 characters');
    });

    it('answers 400 for more than 32 attachments or a list that is not one, naming only that', () => {
        const many = Array.from({ length: 33 }, () => ({ type: 'image/png', url: 'https://m.example.com/a.png' }));
        expect(badRequest(() => parseVisitorMessageRequest({ visitor: { token: '1' }, attachments: many }))).toBe('attachments has more than 32 items');
        expect(badRequest(() => parseVisitorMessageRequest({ visitor: { token: '1' }, text: 5, attachments: {} })))
            .toBe('text must be a string; attachments must be an array');
    });

    it('answers 400 "text or attachments is required" when neither is sent', () => {
        expect(badRequest(() => parseVisitorMessageRequest({ visitor: { token: '1' }, text: ' ', attachments: [] }))).toBe('text or attachments is required');
    });
});

describe('parseWebhookUrl', () => {
    it('reads and trims the URL', () => {
        expect(parseWebhookUrl({ webhook: { url: ' https://rapidpro.example.com/cb ' } })).toBe('https://rapidpro.example.com/cb');
    });

    it('answers 400 for a missing or invalid URL', () => {
        expect(badRequest(() => parseWebhookUrl({}))).toBe('webhook is required');
        expect(badRequest(() => parseWebhookUrl({ webhook: { url: 'nope' } }))).toBe('webhook.url must be an absolute http(s) URL');
    });
});
