import { IHttp, IModify, IPersistence, IRead } from '@rocket.chat/apps-engine/definition/accessors';
import { historyApiBase } from '../history/RapidProApi';
import { Runtime } from '../core/Runtime';
import { TicketStore } from '../tickets/TicketStore';
import { hostOf } from '../core/Url';
import { Status } from './StatusText';

/**
 * Gathers the admin's view of the integration from settings and persistence. The open count
 * reads every open ticket: the admin asks for it now and then (never a schedule or RapidPro),
 * and an exact number is what they ask for.
 */
export async function readStatus(runtime: Runtime, read: IRead, modify: IModify, http: IHttp, persis: IPersistence): Promise<Status> {
    const outbox = runtime.outbox(read, modify, http, persis);
    const [config, webhookUrl, open, pending, failed] = await Promise.all([
        runtime.config(read),
        runtime.webhookUrl(read),
        new TicketStore(read.getPersistenceReader(), persis).countOpen(),
        outbox.pendingCount(),
        outbox.failed(),
    ]);
    const last = failed.sort((a, b) => (b.failedAt || 0) - (a.failedAt || 0))[0];
    const apiHost = hostOf(historyApiBase(config.apiUrl, webhookUrl));
    return {
        secretSet: config.secret !== '',
        webhookHost: webhookUrl ? hostOf(webhookUrl) : undefined,
        openTickets: open,
        pending,
        failed: failed.length,
        lastFailure: last ? { type: last.payload.type, ticketId: last.ticketId, error: last.lastError || '' } : undefined,
        history: !config.apiToken ? 'off' : apiHost || 'no-url',
        problems: config.problems,
    };
}
