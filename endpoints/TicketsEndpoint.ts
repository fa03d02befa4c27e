import { IHttp, IModify, IPersistence, IRead } from '@rocket.chat/apps-engine/definition/accessors';
import { ApiEndpoint, IApiEndpointInfo, IApiRequest, IApiResponse } from '@rocket.chat/apps-engine/definition/api';
import { IApp } from '@rocket.chat/apps-engine/definition/IApp';
import { AppError } from '../lib/core/AppError';
import { guard, Handler } from '../lib/requests/EndpointGuard';
import { Runtime } from '../lib/core/Runtime';

type Method = 'get' | 'post' | 'put';

/**
 * Every method Rocket.Chat can hand an endpoint: it routes them all to the app,
 * and one the endpoint lacks comes back as a 500 from the runtime.
 */
const HTTP_METHODS = ['get', 'post', 'put', 'delete', 'patch', 'head', 'options'];

/**
 * Base of the five endpoints: each names its path, the methods it answers and
 * whether it reads a body, and implements `handle`. The methods are assigned as
 * plain functions (not bound), because the runtime calls them with a
 * request-scoped `this` that carries the request's logger.
 */
export abstract class TicketsEndpoint extends ApiEndpoint {
    protected abstract readonly withBody: boolean;

    private readonly notAllowed: Handler;

    constructor(app: IApp, protected readonly runtime: Runtime, methods: Array<Method>) {
        super(app);
        const allowed = methods.map((m) => m.toUpperCase()).join(' or ');
        this.notAllowed = async () => {
            throw new AppError(405, `method not allowed: use ${allowed}`);
        };
        for (const method of HTTP_METHODS) {
            (this as unknown as { [m: string]: unknown })[method] = (methods as Array<string>).indexOf(method) !== -1 ? this.serve : this.refuse;
        }
    }

    protected abstract handle: Handler;

    private serve(request: IApiRequest, endpoint: IApiEndpointInfo, read: IRead, modify: IModify, http: IHttp, persis: IPersistence): Promise<IApiResponse> {
        return guard(this.runtime, this.app.getLogger(), this.withBody, this.handle, request, read, modify, http, persis);
    }

    /** A method this endpoint does not answer: 405 once authenticated, like any other client mistake. */
    private refuse(request: IApiRequest, endpoint: IApiEndpointInfo, read: IRead, modify: IModify, http: IHttp, persis: IPersistence): Promise<IApiResponse> {
        return guard(this.runtime, this.app.getLogger(), false, this.notAllowed, request, read, modify, http, persis);
    }
}
