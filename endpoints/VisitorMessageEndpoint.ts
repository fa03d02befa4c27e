import { IApp } from '@rocket.chat/apps-engine/definition/IApp';
import { Handler, json } from '../lib/requests/EndpointGuard';
import { Runtime } from '../lib/core/Runtime';
import { postVisitorMessage } from '../lib/tickets/PostVisitorMessage';
import { parseVisitorMessageRequest } from '../lib/requests/VisitorMessageRequest';
import { TicketsEndpoint } from './TicketsEndpoint';

/** POST /visitor-message → 201 {"id"}: the contact's message, posted in its room as the visitor. */
export class VisitorMessageEndpoint extends TicketsEndpoint {
    public path = 'visitor-message';
    protected readonly withBody = true;

    constructor(app: IApp, runtime: Runtime) {
        super(app, runtime, ['post']);
    }

    protected handle: Handler = async (body, a) => {
        const id = await postVisitorMessage(parseVisitorMessageRequest(body), a, this.runtime);
        return json(201, { id });
    }
}
