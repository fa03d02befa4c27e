import { IHttp, ILogger, IModify, IPersistence, IRead } from '@rocket.chat/apps-engine/definition/accessors';
import { IApiRequest, IApiResponse } from '@rocket.chat/apps-engine/definition/api';
import { AppError } from '../core/AppError';
import { isJsonObject, JsonObject } from './FieldReader';
import { Runtime } from '../core/Runtime';
import { constantTimeEquals, tokenFromHeader } from './Secret';
import { Accessors } from '../core/Accessors';
import { messageOf } from '../core/AppError';

export type Handler = (body: JsonObject, a: Accessors) => Promise<IApiResponse>;

export const json = (status: number, content?: object): IApiResponse => (content ? { status, content } : { status });
const error = (status: number, message: string) => json(status, { error: message });

function header(request: IApiRequest, name: string): string | undefined {
    const headers = request.headers || {};
    const key = Object.keys(headers).filter((k) => k.toLowerCase() === name)[0];
    return key === undefined ? undefined : headers[key];
}

/** The request's JSON object; Rocket.Chat has parsed it already unless the content type was not JSON. */
function bodyOf(request: IApiRequest): JsonObject {
    const type = header(request, 'content-type');
    if (type && !/^application\/json\s*(;|$)/i.test(type.trim())) {
        throw new AppError(415, 'content-type must be application/json');
    }
    let content: unknown = request.content;
    if (typeof content === 'string') {
        try {
            content = content.trim() === '' ? undefined : JSON.parse(content);
        } catch (e) {
            throw new AppError(400, 'body is not valid JSON');
        }
    }
    if (!isJsonObject(content)) {
        throw new AppError(400, 'body must be a JSON object');
    }
    return content;
}

/**
 * The one guard every endpoint goes through: authentication first (nothing else
 * is looked at before it), then the JSON body, then the endpoint's handler; any
 * AppError becomes `{"error"}` with its status, anything else is logged and
 * answered without internal detail.
 */
export async function guard(
    runtime: Runtime, logger: ILogger, withBody: boolean, handler: Handler,
    request: IApiRequest, read: IRead, modify: IModify, http: IHttp, persis: IPersistence,
): Promise<IApiResponse> {
    try {
        const { secret } = await runtime.config(read);
        if (!secret) {
            return error(401, 'app secret is not configured');
        }
        const token = tokenFromHeader(header(request, 'authorization'));
        if (token === undefined || !constantTimeEquals(token, secret)) {
            return error(401, 'unauthorized');
        }
        const body = withBody ? bodyOf(request) : {};
        return await handler(body, { read, modify, http, persis, logger });
    } catch (e) {
        if (e instanceof AppError) {
            return error(e.status, e.message);
        }
        logger.error(`unexpected error answering ${request.method} request: ${messageOf(e)}`);
        return error(500, 'internal error');
    }
}
