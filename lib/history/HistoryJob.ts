import { IHttp, IModify, IPersistence, IRead } from '@rocket.chat/apps-engine/definition/accessors';
import { IJobContext, IProcessor } from '@rocket.chat/apps-engine/definition/scheduler';
import { JobId } from '../jobs/JobIds';
import { messageOf } from '../core/AppError';
import { Runtime } from '../core/Runtime';
import { historySummaries } from './HistoryFormat';
import { ApiFailure, fetchContactMessages, historyApiBase } from './RapidProApi';

export interface HistoryJobData {
    ticketId: string;
    roomId: string;
    contactUuid?: string;
    after: number;
    attempt?: number;
}

const MAX_ATTEMPTS = 4;

/** Schedules the history post for a new room; the /room answer does not wait for it. */
export async function scheduleHistory(modify: IModify, data: HistoryJobData, at: number): Promise<void> {
    await modify.getScheduler().scheduleOnce({ id: JobId.History, when: new Date(at), data });
}

/**
 * Posts what the contact said to the chatbot into the new room, as the app's
 * user. A failing or slow RapidPro API is retried a few times and logged; it
 * never affects the ticket.
 */
export function historyJob(runtime: Runtime): IProcessor {
    return {
        id: JobId.History,
        async processor(this: unknown, context: IJobContext, read: IRead, modify: IModify, http: IHttp, persis: IPersistence) {
            const job = context as unknown as HistoryJobData;
            const logger = runtime.loggerOf(this);
            const config = await runtime.config(read);
            if (!config.apiToken || !job.contactUuid) {
                return;
            }
            const apiBase = historyApiBase(config.apiUrl, await runtime.webhookUrl(read));
            if (!apiBase) {
                logger.warn(`ticket ${job.ticketId}: no chatbot history, the RapidPro API URL is not known yet`);
                return;
            }
            let messages;
            try {
                messages = await fetchContactMessages(http, {
                    apiBase, token: config.apiToken, contactUuid: job.contactUuid, after: job.after, timeoutMs: config.requestTimeoutMs,
                });
            } catch (e) {
                const attempt = (job.attempt || 0) + 1;
                if (e instanceof ApiFailure && e.transient && attempt < MAX_ATTEMPTS) {
                    logger.warn(`ticket ${job.ticketId}: chatbot history not read (attempt ${attempt}): ${e.message}`);
                    await scheduleHistory(modify, { ...job, attempt }, runtime.now() + 5000 * Math.pow(2, attempt - 1));
                } else {
                    logger.error(`ticket ${job.ticketId}: gave up reading the chatbot history: ${messageOf(e)}`);
                }
                return;
            }
            const room = await read.getRoomReader().getById(job.roomId);
            const summaries = historySummaries(messages);
            if (!room || summaries.length === 0) {
                return;
            }
            const appUser = await read.getUserReader().getAppUser();
            for (const text of summaries) {
                const builder = modify.getCreator().startMessage().setRoom(room).setText(text).setGroupable(false);
                if (appUser) {
                    builder.setSender(appUser);
                }
                await modify.getCreator().finish(builder);
            }
        },
    };
}
