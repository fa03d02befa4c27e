import { ILogger } from '@rocket.chat/apps-engine/definition/accessors';

export type Level = 'debug' | 'info' | 'log' | 'warn' | 'error' | 'success';

export interface LogEntry {
    level: Level;
    message: string;
}

const text = (item: unknown) => (item instanceof Error ? item.message : typeof item === 'string' ? item : JSON.stringify(item));

/** Keeps what the app logged, by level. */
export class FakeLogger {
    public readonly entries: Array<LogEntry> = [];
    public readonly method = 'executePostMessageSent';

    public debug(...items: Array<unknown>): void { this.add('debug', items); }
    public info(...items: Array<unknown>): void { this.add('info', items); }
    public log(...items: Array<unknown>): void { this.add('log', items); }
    public warn(...items: Array<unknown>): void { this.add('warn', items); }
    public error(...items: Array<unknown>): void { this.add('error', items); }
    public success(...items: Array<unknown>): void { this.add('success', items); }

    public getEntries(): Array<LogEntry> { return this.entries; }
    public getMethod(): string { return this.method; }
    public getStartTime(): Date { return new Date(0); }
    public getEndTime(): Date { return new Date(0); }
    public getTotalTime(): number { return 0; }

    /** Messages logged at `level`. */
    public at(level: Level): Array<string> {
        return this.entries.filter((e) => e.level === level).map((e) => e.message);
    }

    /** True when some message at `level` contains `part`. */
    public has(level: Level, part: string): boolean {
        return this.at(level).some((m) => m.indexOf(part) !== -1);
    }

    public clear(): void {
        this.entries.length = 0;
    }

    public asLogger(): ILogger {
        return this as unknown as ILogger;
    }

    private add(level: Level, items: Array<unknown>): void {
        this.entries.push({ level, message: items.map(text).join(' ') });
    }
}
