import { ISchedulerModify } from '@rocket.chat/apps-engine/definition/accessors';
import { IOnetimeSchedule, IRecurringSchedule } from '@rocket.chat/apps-engine/definition/scheduler';

export interface ScheduledJob {
    id: string;
    when: number;
    data?: { [key: string]: unknown };
}

/** Records what the app schedules; the test decides when jobs run (see Harness.runDueJobs). */
export class FakeScheduler implements ISchedulerModify {
    public readonly once: Array<ScheduledJob> = [];
    public readonly recurring: Array<IRecurringSchedule> = [];
    public readonly cancelled: Array<string> = [];
    /** Set to make the next schedule calls throw. */
    public failWith?: Error;

    public async scheduleOnce(job: IOnetimeSchedule): Promise<string> {
        if (this.failWith) {
            throw this.failWith;
        }
        const when = job.when instanceof Date ? job.when.getTime() : new Date(job.when).getTime();
        this.once.push({ id: job.id, when, data: job.data ? JSON.parse(JSON.stringify(job.data)) : undefined });
        return `job-${this.once.length}`;
    }

    public async scheduleRecurring(job: IRecurringSchedule): Promise<string> {
        if (this.failWith) {
            throw this.failWith;
        }
        this.recurring.push(job);
        return `recurring-${this.recurring.length}`;
    }

    public async cancelJob(jobId: string): Promise<void> {
        this.cancelled.push(jobId);
    }

    public async cancelAllJobs(): Promise<void> {
        this.cancelled.push('*');
    }

    /** One-time jobs with processor `id`. */
    public jobs(id: string): Array<ScheduledJob> {
        return this.once.filter((j) => j.id === id);
    }

    /** Removes and returns the one-time jobs due at `now`, earliest first. */
    public takeDue(now: number): Array<ScheduledJob> {
        const due = this.once.filter((j) => j.when <= now).sort((a, b) => a.when - b.when);
        for (const job of due) {
            this.once.splice(this.once.indexOf(job), 1);
        }
        return due;
    }
}
