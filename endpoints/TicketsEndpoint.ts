import { IHttp, IModify, IPersistence, IRead } from '@rocket.chat/apps-engine/definition/accessors';
import { ApiEndpoint, IApiEndpointInfo, IApiRequest, IApiResponse } from '@rocket.chat/apps-engine/definition/api';
import { IApp } from '@rocket.chat/apps-engine/definition/IApp';
import { guard, Handler } from '../lib/EndpointGuard';
import { Runtime } from '../lib/Runtime';

type Method = 'get' | 'post' | 'put';

/**
 * Base of the five endpoints: each names its path, the methods it answers and
 * whether it reads a body, and implements `handle`. The methods are assigned as
 * plain functions (not bound), because the runtime calls them with a
 * request-scoped `this` that carries the request's logger.
 */
export abstract class TicketsEndpoint extends ApiEndpoint {
    protected abstract readonly withBody: boolean;

    constructor(app: IApp, protected readonly runtime: Runtime, methods: Array<Method>) {
        super(app);
        for (const method of methods) {
            (this as unknown as { [m: string]: unknown })[method] = this.serve;
        }
    }

    protected abstract handle: Handler;

    private serve(request: IApiRequest, endpoint: IApiEndpointInfo, read: IRead, modify: IModify, http: IHttp, persis: IPersistence): Promise<IApiResponse> {
        return guard(this.runtime, this.app.getLogger(), this.withBody, this.handle, request, read, modify, http, persis);
    }
}
