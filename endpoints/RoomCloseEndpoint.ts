import { IApp } from '@rocket.chat/apps-engine/definition/IApp';
import { Handler, json } from '../lib/requests/EndpointGuard';
import { parseRoomCloseRequest } from '../lib/requests/RoomCloseRequest';
import { Runtime } from '../lib/core/Runtime';
import { closeTicket } from '../lib/tickets/CloseTicket';
import { TicketsEndpoint } from './TicketsEndpoint';

/** GET|POST /room.close → 204: closes the visitor's room; idempotent, and no close-room echo. */
export class RoomCloseEndpoint extends TicketsEndpoint {
    public path = 'room.close';
    protected readonly withBody = true;

    constructor(app: IApp, runtime: Runtime) {
        super(app, runtime, ['get', 'post']);
    }

    protected handle: Handler = async (body, a) => {
        await closeTicket(parseRoomCloseRequest(body), a, this.runtime);
        return json(204);
    }
}
