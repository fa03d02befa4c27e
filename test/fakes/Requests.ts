import { IHttp, IModify, IPersistence, IRead, RequestMethod } from '@rocket.chat/apps-engine/definition/accessors';
import { IApiEndpointInfo, IApiRequest, IApiResponse } from '@rocket.chat/apps-engine/definition/api';

/** A secret as RapidPro generates it: 32 characters from 23456789ABCDEFGHJKLMNPQRSTUVWXYZ. */
export const SECRET = '7Q2MZK4XH9PBR3WNDJ6TFC8LGSVY5AEU';

export type Method = 'get' | 'post' | 'put' | 'delete' | 'patch' | 'head' | 'options';
export type Headers = { [name: string]: string };

/** Headers as mailroom sends them (Express lower-cases header names). */
export const rapidProHeaders = (secret: string = SECRET): Headers => ({
    'authorization': `Token ${secret}`,
    'content-type': 'application/json',
});

const methods: { [m in Method]: RequestMethod } = {
    get: RequestMethod.GET, post: RequestMethod.POST, put: RequestMethod.PUT, delete: RequestMethod.DELETE,
    patch: RequestMethod.PATCH, head: RequestMethod.HEAD, options: RequestMethod.OPTIONS,
};

export function apiRequest(method: Method, content: unknown, headers: Headers = rapidProHeaders()): IApiRequest {
    return { method: methods[method], headers, query: {}, params: {}, content };
}

export const endpointInfo = (path: string): IApiEndpointInfo => ({
    basePath: '/api/apps/public/c93eb373-58a2-4a28-adf8-639985c36b5e',
    fullPath: `/api/apps/public/c93eb373-58a2-4a28-adf8-639985c36b5e/${path}`,
    appId: 'c93eb373-58a2-4a28-adf8-639985c36b5e',
});

type Serve = (request: IApiRequest, info: IApiEndpointInfo, read: IRead, modify: IModify, http: IHttp, persis: IPersistence) => Promise<IApiResponse>;

/** The endpoint's handler for `method`, or undefined when it does not answer that method. */
export function handlerOf(endpoint: object, method: Method): Serve | undefined {
    const fn = (endpoint as { [m: string]: unknown })[method];
    return typeof fn === 'function' ? (fn as Serve) : undefined;
}
