import { IApp } from '@rocket.chat/apps-engine/definition/IApp';
import { Handler, json } from '../lib/requests/EndpointGuard';
import { Runtime } from '../lib/core/Runtime';
import { TicketsEndpoint } from './TicketsEndpoint';

/** GET /secret.check → 204: RapidPro's way to test the secret; the guard does all the work. */
export class SecretCheckEndpoint extends TicketsEndpoint {
    public path = 'secret.check';
    protected readonly withBody = false;

    constructor(app: IApp, runtime: Runtime) {
        super(app, runtime, ['get', 'post']);
    }

    protected handle: Handler = async () => json(204);
}
