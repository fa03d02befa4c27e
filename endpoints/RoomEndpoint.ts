import { IApp } from '@rocket.chat/apps-engine/definition/IApp';
import { Handler, json } from '../lib/EndpointGuard';
import { parseRoomRequest } from '../lib/RoomRequest';
import { Runtime } from '../lib/Runtime';
import { openTicket } from '../lib/OpenTicket';
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
