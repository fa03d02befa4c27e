/**
 * One value, loaded at most once per `ttlMs`. Every accessor call crosses the
 * Deno process boundary, and settings are needed on every request; the app keeps
 * them for a few seconds instead of reading them each time. `clear()` is called
 * when this instance changes the value; the short TTL bounds how stale another
 * instance of a cluster can be.
 */
export class TtlCache<T> {
    private cached?: { value: T; at: number };

    constructor(private readonly ttlMs: number, private readonly now: () => number = Date.now) {}

    public async get(load: () => Promise<T>): Promise<T> {
        const at = this.now();
        if (this.cached && at - this.cached.at < this.ttlMs) {
            return this.cached.value;
        }
        const value = await load();
        this.cached = { value, at };
        return value;
    }

    public clear(): void {
        this.cached = undefined;
    }
}
