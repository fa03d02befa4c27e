import { IHttp, IHttpRequest, IHttpResponse, RequestMethod } from '@rocket.chat/apps-engine/definition/accessors';

/** How the fake answers one request: a status, a full response, or an Error to throw (network failure, timeout). */
export type Reply = number | Error | { status: number; content?: string; data?: unknown };

export interface HttpCall {
    method: RequestMethod;
    url: string;
    options: IHttpRequest;
    /** `options.content` parsed as JSON, when it is JSON. */
    body?: unknown;
}

/** A reply the test releases later, to hold a request "in flight" while other things happen. */
export class HeldReply {
    /** Resolves when the app has made the request. */
    public readonly called: Promise<void>;
    public readonly reply: Promise<Reply>;
    private markCalled: () => void = () => undefined;
    private settle: (reply: Reply) => void = () => undefined;

    constructor() {
        this.called = new Promise<void>((resolve) => (this.markCalled = resolve));
        this.reply = new Promise<Reply>((resolve) => (this.settle = resolve));
    }

    public release(reply: Reply = 200): void {
        this.settle(reply);
    }

    /** @internal */
    public started(): void {
        this.markCalled();
    }
}

const parse = (content: string | undefined): unknown => {
    if (typeof content !== 'string') {
        return undefined;
    }
    try {
        return JSON.parse(content);
    } catch (e) {
        return undefined;
    }
};

/**
 * Records every outgoing request; answers each from a script (in order, shared
 * by all methods) and with 200 `{"status":"handled"}` once the script is empty.
 */
export class FakeHttp implements IHttp {
    public readonly calls: Array<HttpCall> = [];
    /** Runs as each request is made, e.g. to move the clock as if the request took time. */
    public onRequest?: (call: HttpCall) => void;
    private readonly script: Array<Reply | HeldReply> = [];

    /** Scripts the next replies, in order. */
    public replies(...replies: Array<Reply>): this {
        this.script.push(...replies);
        return this;
    }

    /** The next request waits until the test releases it. */
    public hold(): HeldReply {
        const held = new HeldReply();
        this.script.push(held);
        return held;
    }

    public get posts(): Array<HttpCall> {
        return this.calls.filter((c) => c.method === RequestMethod.POST);
    }

    /** Parsed bodies of the POSTs, in order. */
    public get postedBodies(): Array<{ [key: string]: unknown }> {
        return this.posts.map((c) => c.body as { [key: string]: unknown });
    }

    public get(url: string, options: IHttpRequest = {}): Promise<IHttpResponse> { return this.request(RequestMethod.GET, url, options); }
    public post(url: string, options: IHttpRequest = {}): Promise<IHttpResponse> { return this.request(RequestMethod.POST, url, options); }
    public put(url: string, options: IHttpRequest = {}): Promise<IHttpResponse> { return this.request(RequestMethod.PUT, url, options); }
    public del(url: string, options: IHttpRequest = {}): Promise<IHttpResponse> { return this.request(RequestMethod.DELETE, url, options); }
    public patch(url: string, options: IHttpRequest = {}): Promise<IHttpResponse> { return this.request(RequestMethod.PATCH, url, options); }

    private async request(method: RequestMethod, url: string, options: IHttpRequest): Promise<IHttpResponse> {
        const call = { method, url, options, body: parse(options.content) };
        this.calls.push(call);
        if (this.onRequest) {
            this.onRequest(call);
        }
        const next = this.script.shift();
        let reply: Reply;
        if (next instanceof HeldReply) {
            next.started();
            reply = await next.reply;
        } else {
            reply = next === undefined ? { status: 200, content: '{"status":"handled"}' } : next;
        }
        if (reply instanceof Error) {
            throw reply;
        }
        const response = typeof reply === 'number' ? { status: reply } : reply;
        // As Rocket.Chat's bridge: `data` is filled only from a JSON content type, which
        // a reply states by giving `data`; a reply with `content` alone gets null.
        const data = response.data !== undefined ? response.data : null;
        return { url, method, statusCode: response.status, content: response.content, data };
    }
}
