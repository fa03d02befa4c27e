/// <reference types="jest" />
import { IVisitor } from '@rocket.chat/apps-engine/definition/livechat';
import { RoomType } from '@rocket.chat/apps-engine/definition/rooms';
import { Keys } from '../../lib/core/Associations';
import { Ticket } from '../../lib/tickets/TicketStore';
import { SettingId } from '../../settings/SettingId';
import { APP_ID, Harness } from '../fakes/Harness';

const mailroomBody = (ticketID: string, token: string, visitor: object = {}) => ({ ticketID, visitor: { token, ...visitor } });

describe('GET /room (PROTOCOL §2)', () => {
    describe('opening a room', () => {
        it('answers 200 with the id of a new open livechat room for the visitor', async () => {
            const h = new Harness();
            const response = await h.call('room', 'get', mailroomBody('T1', '1234', { name: 'Ana' }));
            expect(response.status).toBe(200);
            const room = h.world.rc.rooms[response.content.id];
            expect(room).toBeDefined();
            expect(room.type).toBe(RoomType.LIVE_CHAT);
            expect(room.isOpen).toBe(true);
            expect(room.visitor.token).toBe('1234');
            expect(Object.keys(response.content)).toEqual(['id']);
        });

        it('answers POST the same way', async () => {
            const h = new Harness();
            const response = await h.call('room', 'post', mailroomBody('T1', '1234'));
            expect(response.status).toBe(200);
            expect(h.world.rc.rooms[response.content.id].isOpen).toBe(true);
        });

        it('opens the room as coming from the app, without an agent, so Rocket.Chat routes it', async () => {
            const h = new Harness();
            const id = await h.openRoom('T1', '1234');
            const created = h.world.rc.createdRooms.filter((r) => r.roomId === id)[0];
            expect(created.agent).toBeUndefined();
            expect(h.world.rc.rooms[id].source).toEqual(expect.objectContaining({ type: 'app', id: APP_ID }));
        });

        it('remembers ticket id, visitor token, room id, contact uuid, priority and session start', async () => {
            const h = new Harness();
            const id = await h.openRoom('T1', '1234', { contactUUID: 'c-uuid-1' }, { priority: 'high', sessionStart: '2020-07-17 10:28' });
            const [ticket] = h.ticket('T1');
            expect(ticket).toEqual(expect.objectContaining({
                ticketId: 'T1', roomId: id, contactUuid: 'c-uuid-1', priority: 'high', sessionStart: '2020-07-17 10:28', state: 'open', openedAt: h.clock.now(),
            }));
            expect(ticket.visitor.token).toBe('1234');
            expect(h.world.persistence.peek<Ticket>(Keys.room(id))).toHaveLength(1);
            expect(h.world.persistence.peek<Ticket>(Keys.visitor('1234'))).toHaveLength(1);
        });

        it.each([
            ['the README spelling', { ticketId: 'T1', visitor: { token: '1234', contactUuid: 'c-1', department: 'Sales' } }],
            ['the real client spelling', { ticketID: 'T1', visitor: { token: '1234', contactUUID: 'c-1', deparment: 'Sales' } }],
            ['any letter case', { TICKETID: 'T1', visitor: { token: '1234', CONTACTUUID: 'c-1', Department: 'Sales' } }],
        ])('accepts %s of ticketId, contactUuid and department', async (label, body) => {
            const h = new Harness();
            h.world.rc.addDepartment('dep-1', 'Sales');
            const response = await h.call('room', 'get', body);
            expect(response.status).toBe(200);
            const [ticket] = h.ticket('T1');
            expect(ticket.contactUuid).toBe('c-1');
            expect(ticket.departmentId).toBe('dep-1');
        });

        it('turns a numeric visitor.token into its decimal string', async () => {
            const h = new Harness();
            const response = await h.call('room', 'get', { ticketID: 'T1', visitor: { token: 1234 } });
            expect(response.status).toBe(200);
            expect(h.world.rc.visitors['1234']).toBeDefined();
            expect(h.ticket('T1')[0].visitor.token).toBe('1234');
        });

        it('ignores unknown fields', async () => {
            const h = new Harness();
            const response = await h.call('room', 'get', { ticketID: 'T1', extra: [1, 2], visitor: { token: '1', shoeSize: 44 } });
            expect(response.status).toBe(200);
        });

        it('does not wait for the chatbot history: no RapidPro API request during /room', async () => {
            const h = new Harness();
            h.setSetting(SettingId.RapidProApiToken, 'api-token');
            const response = await h.call('room', 'get', mailroomBody('T1', '1234', { contactUUID: 'c-1' }));
            expect(response.status).toBe(200);
            expect(h.world.httpFake.calls).toHaveLength(0);
        });
    });

    describe('the visitor', () => {
        const saved = (h: Harness): IVisitor => h.world.rc.savedVisitors[h.world.rc.savedVisitors.length - 1];

        it('saves name, email and phone when given', async () => {
            const h = new Harness();
            await h.openRoom('T1', '1234', { name: 'Ana Lima', email: 'ana@example.com', phone: '+5511999990000' });
            expect(saved(h)).toEqual(expect.objectContaining({
                token: '1234', name: 'Ana Lima', visitorEmails: [{ address: 'ana@example.com' }], phone: [{ phoneNumber: '+5511999990000' }],
            }));
        });

        it('leaves email and phone out when the client omits them, keeping what Rocket.Chat has', async () => {
            const h = new Harness();
            h.world.rc.addVisitor({ token: '1234', name: 'Ana Lima', visitorEmails: [{ address: 'ana@example.com' }] });
            await h.openRoom('T1', '1234');
            expect(saved(h).visitorEmails).toBeUndefined();
            expect(saved(h).phone).toBeUndefined();
            expect(saved(h).name).toBe('Ana Lima');
            expect(h.world.rc.visitors['1234'].visitorEmails).toEqual([{ address: 'ana@example.com' }]);
        });

        it('names a new visitor without a name "RapidPro contact <token>"', async () => {
            const h = new Harness();
            await h.openRoom('T1', '1234');
            expect(h.world.rc.visitors['1234'].name).toBe('RapidPro contact 1234');
        });

        it('reuses the visitor Rocket.Chat already has for the token', async () => {
            const h = new Harness();
            const existing = h.world.rc.addVisitor({ token: '1234', name: 'Ana' });
            const id = await h.openRoom('T1', '1234');
            expect(h.world.rc.rooms[id].visitor.id).toBe(existing.id);
            expect(h.ticket('T1')[0].visitor).toEqual({ id: existing.id, token: '1234', username: existing.username, name: 'Ana' });
        });

        it('works with servers that only have createVisitor (no createAndReturnVisitor)', async () => {
            const h = new Harness();
            h.world.modernVisitorCreator = false;
            const response = await h.call('room', 'get', mailroomBody('T1', '1234', { name: 'Ana' }));
            expect(response.status).toBe(200);
            expect(h.world.calls.of('livechatCreator.createVisitor')).toBe(1);
            expect(h.ticket('T1')[0].visitor.id).toBe(h.world.rc.visitors['1234'].id);
        });

        it('answers 503 when Rocket.Chat cannot save the visitor', async () => {
            const h = new Harness();
            h.world.rc.failSaveVisitor = new Error('E11000 duplicate key');
            const response = await h.call('room', 'get', mailroomBody('T1', '1234'));
            expect(response.status).toBe(503);
            expect(response.content).toEqual({ error: 'Rocket.Chat could not save the visitor now' });
            expect(h.world.logger.has('error', 'E11000')).toBe(true);
            expect(h.tickets()).toHaveLength(0);
        });
    });

    describe('department', () => {
        it('accepts a department by id', async () => {
            const h = new Harness();
            h.world.rc.addDepartment('dep-1', 'Sales');
            await h.openRoom('T1', '1234', { department: 'dep-1' });
            expect(h.world.rc.visitors['1234'].department).toBe('dep-1');
            expect(h.ticket('T1')[0].departmentId).toBe('dep-1');
        });

        it('accepts a department by name', async () => {
            const h = new Harness();
            h.world.rc.addDepartment('dep-1', 'Sales');
            await h.openRoom('T1', '1234', { deparment: 'Sales' });
            expect(h.world.rc.visitors['1234'].department).toBe('dep-1');
        });

        it('answers 404 naming an unknown department, and opens nothing', async () => {
            const h = new Harness();
            h.world.rc.addDepartment('dep-1', 'Sales');
            const response = await h.call('room', 'get', mailroomBody('T1', '1234', { department: 'Support' }));
            expect(response.status).toBe(404);
            expect(response.content).toEqual({ error: 'department Support not found' });
            expect(h.world.rc.createdRooms).toHaveLength(0);
            expect(h.world.rc.visitors['1234']).toBeUndefined();
        });

        it('answers 404 for a disabled department', async () => {
            const h = new Harness();
            h.world.rc.addDepartment('dep-1', 'Sales', false);
            const response = await h.call('room', 'get', mailroomBody('T1', '1234', { department: 'Sales' }));
            expect(response.status).toBe(404);
            expect(response.content.error).toContain('Sales');
        });
    });

    describe('custom fields', () => {
        it('sets each key Rocket.Chat knows as a livechat custom field on the visitor', async () => {
            const h = new Harness();
            h.world.rc.customFieldIds.push('cpf', 'age', 'vip');
            const response = await h.call('room', 'get', mailroomBody('T1', '1234', { customFields: { cpf: '123.456.789-00', age: 42, vip: true } }));
            expect(response.status).toBe(200);
            expect(h.world.rc.customFieldsSet).toEqual([
                { token: '1234', key: 'cpf', value: '123.456.789-00', overwrite: true },
                { token: '1234', key: 'age', value: '42', overwrite: true },
                { token: '1234', key: 'vip', value: 'true', overwrite: true },
            ]);
        });

        it('skips and logs keys Rocket.Chat does not know, and still opens the room', async () => {
            const h = new Harness();
            h.world.rc.customFieldIds.push('cpf');
            const response = await h.call('room', 'get', mailroomBody('T1', '1234', { customFields: { shoe_size: '44', cpf: '1' } }));
            expect(response.status).toBe(200);
            expect(h.world.rc.customFieldsSet.map((c) => c.key)).toEqual(['cpf']);
            expect(h.world.logger.has('warn', '"shoe_size"')).toBe(true);
            expect(h.world.logger.has('warn', '"cpf"')).toBe(false);
        });

        it('treats a custom field Rocket.Chat refuses with an error like an unknown one', async () => {
            const h = new Harness();
            h.world.rc.failSetCustomFields = new Error('boom');
            const response = await h.call('room', 'get', mailroomBody('T1', '1234', { customFields: { cpf: '1' } }));
            expect(response.status).toBe(200);
            expect(h.world.logger.has('warn', '"cpf"')).toBe(true);
        });

        it('skips null values without asking Rocket.Chat', async () => {
            const h = new Harness();
            h.world.rc.customFieldIds.push('cpf');
            await h.openRoom('T1', '1234', { customFields: { cpf: null } });
            expect(h.world.calls.of('livechatUpdater.setCustomFields')).toBe(0);
        });
    });

    describe('bad input', () => {
        it.each([
            ['no ticket id', { visitor: { token: '1234' } }, 'ticketId is required'],
            ['an empty ticket id', { ticketID: '', visitor: { token: '1234' } }, 'ticketId is required'],
            ['no visitor', { ticketID: 'T1' }, 'visitor is required'],
            ['no visitor.token', { ticketID: 'T1', visitor: { name: 'Ana' } }, 'visitor.token is required'],
            ['a visitor.token that is an object', { ticketID: 'T1', visitor: { token: { id: 1 } } }, 'visitor.token must be a string'],
            ['a visitor.name that is a number', { ticketID: 'T1', visitor: { token: '1', name: 7 } }, 'visitor.name must be a string'],
            ['customFields that are a list', { ticketID: 'T1', visitor: { token: '1', customFields: ['a'] } }, 'visitor.customFields must be an object'],
            ['a custom field value that is an object', { ticketID: 'T1', visitor: { token: '1', customFields: { cpf: { a: 1 } } } }, 'visitor.customFields.cpf must be a string'],
            ['a ticket id longer than 255 characters', { ticketID: 'x'.repeat(256), visitor: { token: '1' } }, 'ticketId is longer than 255 characters'],
            ['a sessionStart that is a number', { ticketID: 'T1', sessionStart: 5, visitor: { token: '1' } }, 'sessionStart must be a string'],
        ])('answers 400 naming the field for %s', async (label, body, error) => {
            const h = new Harness();
            const response = await h.call('room', 'get', body);
            expect(response.status).toBe(400);
            expect(response.content.error).toContain(error);
            expect(h.world.rc.createdRooms).toHaveLength(0);
        });

        it('names every problem in one answer', async () => {
            const h = new Harness();
            const response = await h.call('room', 'get', { visitor: { email: 5 } });
            expect(response.status).toBe(400);
            expect(response.content.error).toContain('ticketId is required');
            expect(response.content.error).toContain('visitor.token is required');
            expect(response.content.error).toContain('visitor.email must be a string');
        });
    });

    describe('idempotency and conflicts', () => {
        it('answers the same room id when the same ticket is asked again while its room is open', async () => {
            const h = new Harness();
            const first = await h.openRoom('T1', '1234');
            const again = await h.openRoom('T1', '1234');
            expect(again).toBe(first);
            expect(h.world.rc.createdRooms).toHaveLength(1);
            expect(h.tickets()).toHaveLength(1);
        });

        it('opens one room when the same ticket arrives again while the first request is still opening it', async () => {
            const h = new Harness();
            let reached: () => void = () => undefined;
            let release: () => void = () => undefined;
            const firstInside = new Promise<void>((resolve) => (reached = resolve));
            const gate = new Promise<void>((resolve) => (release = resolve));
            let calls = 0;
            h.world.rc.beforeCreateRoom = async () => {
                if (++calls === 1) {
                    reached();
                    await gate;
                }
            };
            const first = h.call('room', 'get', mailroomBody('T1', '1234'));
            await firstInside;
            const retry = await h.call('room', 'get', mailroomBody('T1', '1234')); // mailroom retried after a connection error
            release();
            const answers = [await first, retry];

            const open = h.world.rc.openRooms().map((r) => r.id);
            expect(open).toHaveLength(1);
            for (const answer of answers.filter((r) => r.status === 200)) {
                expect(answer.content.id).toBe(open[0]);
            }
            expect(h.world.persistence.peek<Ticket>(Keys.openTickets()).map((t) => t.roomId)).toEqual(open);
            // whatever the app did with a room it opened twice, RapidPro hears nothing of it
            expect(h.world.httpFake.posts).toHaveLength(0);
        });

        /**
         * Holds the first createRoom until a second request is inside createRoom too; the second is then
         * refused the way Rocket.Chat refuses a second open room for a visitor, once the first room exists.
         */
        /** Both requests are inside Rocket.Chat's createRoom at once; Rocket.Chat opens a room for each. */
        const bothAtOnce = (h: Harness) => {
            let arrived = 0;
            let release: () => void = () => undefined;
            const gate = new Promise<void>((resolve) => (release = resolve));
            h.world.rc.beforeCreateRoom = async () => {
                if (++arrived === 2) {
                    release();
                }
                return gate;
            };
        };

        it('leaves one room open and answers it twice when the same ticket arrives twice at once (Rocket.Chat opens both)', async () => {
            const h = new Harness();
            bothAtOnce(h);
            const answers = await Promise.all([h.call('room', 'get', mailroomBody('T1', '1234')), h.call('room', 'get', mailroomBody('T1', '1234'))]);
            expect(h.world.rc.createdRooms).toHaveLength(2);
            const open = h.world.rc.openRooms().map((r) => r.id);
            expect(open).toHaveLength(1);
            expect(answers).toEqual([{ status: 200, content: { id: open[0] } }, { status: 200, content: { id: open[0] } }]);
            expect(h.world.persistence.peek<Ticket>(Keys.openTickets()).map((t) => t.roomId)).toEqual(open);
        });

        it('answers 409 to the later of two tickets for one visitor at once, and closes the room Rocket.Chat opened for it', async () => {
            const h = new Harness();
            bothAtOnce(h);
            const [first, second] = await Promise.all([h.call('room', 'get', mailroomBody('T1', '1234')), h.call('room', 'get', mailroomBody('T2', '1234'))]);
            expect(first.status).toBe(200);
            expect(second).toEqual({ status: 409, content: { error: 'visitor 1234 already has an open room for ticket T1' } });
            expect(h.world.rc.openRooms().map((r) => r.id)).toEqual([(first.content as { id: string }).id]);
            expect(h.world.persistence.peek<Ticket>(Keys.openTickets()).map((t) => t.ticketId)).toEqual(['T1']);
        });

        it('answers 409 when the visitor already has an open room for another ticket', async () => {
            const h = new Harness();
            await h.openRoom('T1', '1234');
            const response = await h.call('room', 'get', mailroomBody('T2', '1234'));
            expect(response.status).toBe(409);
            expect(response.content).toEqual({ error: 'visitor 1234 already has an open room for ticket T1' });
            expect(h.world.rc.createdRooms).toHaveLength(1);
            expect(h.ticket('T2')).toHaveLength(0);
        });

        it('answers 409 when the same ticket id comes for another visitor while its room is open', async () => {
            const h = new Harness();
            await h.openRoom('T1', '1234');
            const response = await h.call('room', 'get', mailroomBody('T1', '9999'));
            expect(response.status).toBe(409);
            expect(response.content.error).toContain('T1');
            expect(h.world.rc.createdRooms).toHaveLength(1);
        });

        it('cleans up a remembered room Rocket.Chat already closed and opens a new one for the same ticket', async () => {
            const h = new Harness();
            const first = await h.openRoom('T1', '1234');
            h.world.rc.closeBySomeoneElse(first); // closed while the app was not told (e.g. an update)
            const second = await h.openRoom('T1', '1234');
            expect(second).not.toBe(first);
            expect(h.world.rc.rooms[second].isOpen).toBe(true);
            const records = h.ticket('T1');
            expect(records.map((t) => [t.roomId, t.state])).toEqual(expect.arrayContaining([[first, 'closed'], [second, 'open']]));
            expect(h.world.persistence.peek<Ticket>(Keys.openTickets()).map((t) => t.roomId)).toEqual([second]);
        });

        it("opens a new ticket's room while the close of the visitor's earlier room is still on its way, and that close still reaches RapidPro", async () => {
            const h = new Harness();
            const first = await h.openRoom('T1', '1234');
            const closed = h.world.rc.closeBySomeoneElse(first); // the close event has not reached the app yet
            const response = await h.call('room', 'get', mailroomBody('T2', '1234'));
            expect(response.status).toBe(200);
            await h.roomClosed(closed);
            expect(h.ticket('T1')[0].state).toBe('closed');
            expect(h.ticket('T2')[0].state).toBe('open');
            await h.runNextJob(); // close-room is held back a moment (CLOSE_HOLD_MS)
            expect(h.world.httpFake.postedBodies).toEqual([expect.objectContaining({ type: 'close-room', ticketId: 'T1' })]);
            expect((await h.call('visitorMessage', 'post', { visitor: { token: '1234' }, text: 'next' })).status).toBe(201);
            expect(h.world.rc.messages.map((m) => m.roomId)).toEqual([response.content.id]);
        });

        it('opens a new room for the next ticket once the previous one was closed by /room.close', async () => {
            const h = new Harness();
            const first = await h.openRoom('T1', '1234');
            expect((await h.call('roomClose', 'get', { visitor: { token: '1234' } })).status).toBe(204);
            const second = await h.openRoom('T2', '1234');
            expect(second).not.toBe(first);
            expect(h.world.rc.rooms[second].isOpen).toBe(true);
        });

        it('answers 503 when Rocket.Chat cannot open the room, and a retry succeeds once it can', async () => {
            const h = new Harness();
            h.world.rc.failCreateRoom = new Error('no agents online and queue disabled');
            const response = await h.call('room', 'get', mailroomBody('T1', '1234'));
            expect(response.status).toBe(503);
            expect(response.content).toEqual({ error: 'Rocket.Chat could not open a room now' });
            expect(h.world.logger.has('error', 'no agents online')).toBe(true);
            expect(h.tickets()).toHaveLength(0);

            h.world.rc.failCreateRoom = undefined;
            const retry = await h.call('room', 'get', mailroomBody('T1', '1234'));
            expect(retry.status).toBe(200);
            expect(h.world.rc.rooms[retry.content.id].isOpen).toBe(true);
        });
    });
});
