/**
 * Counts calls to the fake accessors by name (`persistence.readByAssociation`,
 * `livechat.getLivechatVisitorByToken`, …). Every real accessor call crosses the
 * runtime boundary, so the count is what a busy path costs.
 */
export class CallCounter {
    private readonly counts: { [name: string]: number } = {};

    public hit(name: string): void {
        this.counts[name] = (this.counts[name] || 0) + 1;
    }

    public of(name: string): number {
        return this.counts[name] || 0;
    }

    /** Calls whose name starts with `prefix` (all calls when omitted). */
    public total(prefix = ''): number {
        return Object.keys(this.counts).filter((k) => k.startsWith(prefix)).reduce((sum, k) => sum + this.counts[k], 0);
    }

    public reset(): void {
        for (const key of Object.keys(this.counts)) {
            delete this.counts[key];
        }
    }

    /** The same object, with every method call counted as `<prefix>.<method>`. */
    public wrap<T extends object>(prefix: string, target: T): T {
        return new Proxy(target, {
            get: (obj, property, receiver) => {
                const value = Reflect.get(obj, property, receiver);
                if (typeof value !== 'function' || typeof property !== 'string') {
                    return value;
                }
                return (...args: Array<unknown>) => {
                    this.hit(`${prefix}.${property}`);
                    return (value as (...a: Array<unknown>) => unknown).apply(obj, args);
                };
            },
        });
    }
}
