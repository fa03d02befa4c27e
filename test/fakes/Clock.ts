/** A clock the test moves by hand; `now` is bound so it can be passed around as `() => number`. */
export class Clock {
    constructor(public ms: number = Date.UTC(2024, 0, 15, 10, 0, 0)) {}

    public readonly now = (): number => this.ms;

    public advance(ms: number): number {
        this.ms += ms;
        return this.ms;
    }

    public date(): Date {
        return new Date(this.ms);
    }
}

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
