/// <reference types="jest" />
import { Keys } from '../../../lib/core/Associations';
import { STRAY_ROOM } from '../../../lib/tickets/PostVisitorMessage';
import { Ticket } from '../../../lib/tickets/TicketStore';
import { Harness } from '../../fakes/Harness';

// Where the real Rocket.Chat is less kind than a token-keyed model (host/README.md › Fidelity):
// visitors matched by phone keep their own token, a message for a closed room opens a new one,
// a close racing another fails, unknown custom fields throw.

describe('a visitor Rocket.Chat matched by phone (it keeps its own, older token)', () => {
    const phoneVisitor = (h: Harness) => h.world.rc.addVisitor({ token: 'widget-1', name: 'Ana (widget)', phone: [{ phoneNumber: '+5511900000000' }] });

    it('keeps RapidPro\'s token for the ticket and Rocket.Chat\'s for posting', async () => {
        const h = new Harness();
        const widget = phoneVisitor(h);
        const roomId = await h.openRoom('T1', '1234', { phone: '+5511900000000', name: 'Ana' });
        const ticket = h.world.persistence.peek<Ticket>(Keys.openTickets())[0];
        expect(ticket.visitor).toEqual(expect.objectContaining({ id: widget.id, token: '1234', rocketChatToken: 'widget-1' }));
        expect((await h.call('visitorMessage', 'post', { visitor: { token: '1234' }, text: 'hi' })).status).toBe(201);
        const [posted] = h.world.rc.messages;
        expect(posted.roomId).toBe(roomId);
        expect(posted.visitor).toEqual(expect.objectContaining({ id: widget.id, token: 'widget-1' }));
    });

    it('sends agent messages and close-room with RapidPro\'s token', async () => {
        const h = new Harness();
        phoneVisitor(h);
        const roomId = await h.openRoom('T1', '1234', { phone: '+5511900000000' });
        await h.agentSays(roomId, 'hello');
        await h.closeInRocketChat(roomId);
        await h.runDueJobs();
        h.clock.advance(5000);
        await h.runDueJobs();
        const sent = h.world.httpFake.postedBodies as Array<{ type: string; visitor: { token: string } }>;
        expect(sent.map((d) => [d.type, d.visitor.token])).toEqual([['agent-message', '1234'], ['close-room', '1234']]);
    });

    it('does not replace a known visitor\'s name with the fallback for a nameless contact', async () => {
        const h = new Harness();
        phoneVisitor(h);
        await h.openRoom('T1', '1234', { phone: '+5511900000000' });
        expect(h.world.rc.savedVisitors[0].name).toBe('Ana (widget)');
    });

    it('sets custom fields with Rocket.Chat\'s token, after the room is open', async () => {
        const h = new Harness();
        phoneVisitor(h);
        h.world.rc.customFieldIds.push('cpf');
        await h.openRoom('T1', '1234', { phone: '+5511900000000', customFields: { cpf: '123' } });
        expect(h.world.rc.customFieldsSet).toEqual([{ token: 'widget-1', key: 'cpf', value: '123', overwrite: true }]);
    });
});

describe('a visitor message for a room Rocket.Chat closed before the app heard of it', () => {
    it('closes the room Rocket.Chat opened for the message and answers 404', async () => {
        const h = new Harness();
        const roomId = await h.openRoom('T1', '1234');
        h.world.rc.closeBySomeoneElse(roomId); // the agent's close; its event has not reached the app
        const response = await h.call('visitorMessage', 'post', { visitor: { token: '1234' }, text: 'late' });
        expect(response).toEqual({ status: 404, content: { error: 'visitor 1234 has no open room' } });
        expect(h.world.rc.openRooms()).toEqual([]);
        expect(h.world.rc.closes).toEqual([{ roomId: h.world.rc.messages[0].roomId, comment: STRAY_ROOM }]);
        const open = h.world.persistence.peek<Ticket>(Keys.openTickets());
        expect(open.map((t) => [t.ticketId, t.state])).toEqual([['T1', 'open']]);
    });
});

describe('/room.close racing a close in Rocket.Chat', () => {
    it('answers 204 and closes the ticket when Rocket.Chat refuses because the room closed meanwhile', async () => {
        const h = new Harness();
        const roomId = await h.openRoom('T1', '1234');
        h.world.rc.onRoomClosed = undefined;
        const reader = h.world.read.getRoomReader();
        const getById = reader.getById.bind(reader);
        // The app reads the room open; the agent closes it before the app's close arrives.
        reader.getById = async (id: string) => {
            const room = await getById(id);
            h.world.rc.closeBySomeoneElse(roomId);
            reader.getById = getById;
            return room;
        };
        const response = await h.call('roomClose', 'get', { visitor: { token: '1234' } });
        expect(response).toEqual({ status: 204 });
        expect(h.world.persistence.peek<Ticket>(Keys.openTickets())).toEqual([]);
        expect(h.world.logger.has('error', 'could not close')).toBe(false);
    });

    it('answers 503 and keeps the ticket open when Rocket.Chat refuses a room that is still open', async () => {
        const h = new Harness();
        await h.openRoom('T1', '1234');
        h.world.rc.failCloseRoom = new Error('error-tags-must-be-assigned-before-closing-chat');
        const response = await h.call('roomClose', 'get', { visitor: { token: '1234' } });
        expect(response).toEqual({ status: 503, content: { error: 'Rocket.Chat could not close the room now' } });
        expect(h.world.persistence.peek<Ticket>(Keys.openTickets()).map((t) => t.state)).toEqual(['open']);
    });
});

describe('custom fields Rocket.Chat refuses', () => {
    it('skips and logs an unknown key or a refused value, and still opens the room', async () => {
        const h = new Harness();
        const roomId = await h.openRoom('T1', '1234', { customFields: { nope: 'x' } });
        expect(h.world.rc.rooms[roomId].isOpen).toBe(true);
        expect(h.world.logger.has('warn', 'custom field "nope" skipped: invalid-custom-field')).toBe(true);
    });
});
