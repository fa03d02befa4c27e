import { IHttp, IModify, IPersistence, IRead } from '@rocket.chat/apps-engine/definition/accessors';
import { IJobContext, IProcessor, StartupType } from '@rocket.chat/apps-engine/definition/scheduler';
import { historyJob } from '../history/HistoryJob';
import { JobId, RECONCILE_INTERVAL, SWEEP_INTERVAL } from './JobIds';
import { reconcileClosedRooms } from '../tickets/Reconcile';
import { Runtime } from '../core/Runtime';
import { sweepTickets } from '../tickets/Sweep';

/**
 * The scheduler jobs: webhook delivery passes, and the sweep that keeps
 * queues and storage tidy. Processors are methods, not arrows: the runtime calls
 * them with the app as `this`, whose logger is the one that reaches the app's logs.
 */
export function jobs(runtime: Runtime): Array<IProcessor> {
    return [
        {
            id: JobId.Deliver,
            // A pass over every due ticket, whichever ticket scheduled the job (`ticketId` in its data is for
            // reading the scheduler's collection): the jobs run one at a time, and one pass serves all.
            async processor(this: unknown, context: IJobContext, read: IRead, modify: IModify, http: IHttp, persis: IPersistence) {
                await runtime.outbox(read, modify, http, persis, runtime.loggerOf(this)).drainAll();
            },
        },
        {
            id: JobId.Sweep,
            startupSetting: { type: StartupType.RECURRING, interval: SWEEP_INTERVAL, skipImmediate: false },
            async processor(this: unknown, context: IJobContext, read: IRead, modify: IModify, http: IHttp, persis: IPersistence) {
                await runtime.outbox(read, modify, http, persis, runtime.loggerOf(this)).drainAll();
                const swept = await sweepTickets(read.getPersistenceReader(), persis, runtime.now());
                if (swept.legacy.moved + swept.legacy.removed > 0) {
                    runtime.loggerOf(this).info(`upgrade: moved ${swept.legacy.moved} open tickets stored by 1.0 into buckets, removed ${swept.legacy.removed} closed ones`);
                }
            },
        },
        {
            id: JobId.Reconcile,
            startupSetting: { type: StartupType.RECURRING, interval: RECONCILE_INTERVAL, skipImmediate: true },
            async processor(this: unknown, context: IJobContext, read: IRead, modify: IModify, http: IHttp, persis: IPersistence) {
                await reconcileClosedRooms(runtime, { read, modify, http, persis, logger: runtime.loggerOf(this) });
            },
        },
        historyJob(runtime),
    ];
}
