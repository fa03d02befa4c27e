/// <reference types="jest" />
import { ILivechatCreator } from '@rocket.chat/apps-engine/definition/accessors';
import { IVisitor } from '@rocket.chat/apps-engine/definition/livechat';
import { VisitorFields } from '../../../lib/requests/RoomRequest';
import { fallbackName, saveVisitor, visitorToSave } from '../../../lib/tickets/Visitor';

const fields = (extra: Partial<VisitorFields> = {}): VisitorFields => ({ token: '1234', customFields: [], ...extra });

describe('visitorToSave', () => {
    it('sets name, email, phone and department when given', () => {
        expect(visitorToSave(fields({ name: 'Ana', email: 'ana@example.com', phone: '+55' }), undefined, 'dep-1')).toEqual({
            token: '1234', username: '', name: 'Ana', visitorEmails: [{ address: 'ana@example.com' }], phone: [{ phoneNumber: '+55' }], department: 'dep-1',
        });
    });

    it('leaves email, phone and department out when not given', () => {
        const visitor = visitorToSave(fields(), undefined, undefined);
        expect(Object.keys(visitor).sort()).toEqual(['name', 'token', 'username']);
    });

    it('names a new nameless visitor after the token', () => {
        expect(visitorToSave(fields(), undefined, undefined).name).toBe('RapidPro contact 1234');
        expect(fallbackName('42')).toBe('RapidPro contact 42');
    });

    it("keeps the existing visitor's id, username and name when RapidPro sends no name", () => {
        const existing: IVisitor = { id: 'v1', token: '1234', username: 'guest-7', name: 'Ana' };
        expect(visitorToSave(fields(), existing, undefined)).toEqual({ id: 'v1', token: '1234', username: 'guest-7', name: 'Ana' });
    });

    it('replaces the existing name with the one RapidPro sends', () => {
        const existing: IVisitor = { id: 'v1', token: '1234', username: 'guest-7', name: 'Old' };
        expect(visitorToSave(fields({ name: 'New' }), existing, undefined).name).toBe('New');
    });
});

describe('saveVisitor', () => {
    const visitor: IVisitor = { token: '1234', username: '', name: 'Ana' };

    it('uses createAndReturnVisitor where the server has it', async () => {
        const calls: Array<string> = [];
        const creator = {
            createAndReturnVisitor: async (v: IVisitor) => { calls.push('createAndReturnVisitor'); return { ...v, id: 'v1' }; },
            createVisitor: async () => { calls.push('createVisitor'); return 'v1'; },
        } as unknown as ILivechatCreator;
        const saved = await saveVisitor(creator, visitor, async () => { calls.push('reload'); return undefined; });
        expect(saved).toEqual({ ...visitor, id: 'v1' });
        expect(calls).toEqual(['createAndReturnVisitor']);
    });

    it('falls back to createVisitor and reads the visitor back by the id it answers on older servers (a phone match leaves the token unused)', async () => {
        const calls: Array<string> = [];
        const creator = { createVisitor: async () => { calls.push('createVisitor'); return 'v1'; } } as unknown as ILivechatCreator;
        const saved = await saveVisitor(creator, visitor, async (id) => { calls.push(`reload ${id}`); return { ...visitor, id }; });
        expect(saved!.id).toBe('v1');
        expect(calls).toEqual(['createVisitor', 'reload v1']);
    });
});
