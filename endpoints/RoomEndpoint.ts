import { IApp } from '@rocket.chat/apps-engine/definition/IApp';
import { Handler, json } from '../lib/requests/EndpointGuard';
import { parseRoomRequest } from '../lib/requests/RoomRequest';
import { Runtime } from '../lib/core/Runtime';
import { openTicket } from '../lib/tickets/OpenTicket';
import { TicketsEndpoint } from './TicketsEndpoint';

/** GET|POST /room → 200 {"id"}: opens (or finds) the ticket's livechat room. */
export class RoomEndpoint extends TicketsEndpoint {
    public path = 'room';
    protected readonly withBody = true;

    constructor(app: IApp, runtime: Runtime) {
        super(app, runtime, ['get', 'post']);
    }

    protected handle: Handler = async (body, a) => {
        const ticket = await openTicket(parseRoomRequest(body), a, this.runtime);
        return json(200, { id: ticket.roomId });
    }
}
