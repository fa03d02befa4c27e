import { badRequest } from '../core/AppError';

export interface JsonObject {
    [key: string]: unknown;
}

export function isJsonObject(value: unknown): value is JsonObject {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads typed fields out of a parsed JSON body and collects every problem, so a
 * client learns about all its mistakes in one answer. Keys are matched
 * case-insensitively against a list of spellings, because the published README
 * and the real RapidPro client spell several fields differently (PROTOCOL §1).
 * Only own properties are read: `__proto__` and friends are plain data here.
 */
export class FieldReader {
    private readonly problems: Array<string> = [];

    public object(from: JsonObject | undefined, names: Array<string>, label: string, required = false): JsonObject | undefined {
        const value = this.lookup(from, names);
        if (value === undefined || value === null) {
            if (required) {
                this.problem(`${label} is required`);
            }
            return undefined;
        }
        if (!isJsonObject(value)) {
            this.problem(`${label} must be an object`);
            return undefined;
        }
        return value;
    }

    public string(from: JsonObject | undefined, names: Array<string>, label: string, max: number, required = false): string | undefined {
        const value = this.lookup(from, names);
        if (value === undefined || value === null || value === '') {
            if (required) {
                this.problem(`${label} is required`);
            }
            return undefined;
        }
        return this.checkString(value, label, max);
    }

    /** A string, or a number turned into its decimal string (RapidPro sends contact ids). */
    public stringOrNumber(from: JsonObject | undefined, names: Array<string>, label: string, max: number, required = false): string | undefined {
        const value = this.lookup(from, names);
        if (typeof value === 'number') {
            if (!isFinite(value)) {
                this.problem(`${label} must be a string`);
                return undefined;
            }
            return String(value);
        }
        return this.string(from, names, label, max, required);
    }

    public array(from: JsonObject | undefined, names: Array<string>, label: string, max: number): Array<unknown> | undefined {
        const value = this.lookup(from, names);
        if (value === undefined || value === null) {
            return undefined;
        }
        if (!Array.isArray(value)) {
            this.problem(`${label} must be an array`);
            return undefined;
        }
        if (value.length > max) {
            this.problem(`${label} has more than ${max} items`);
            return undefined;
        }
        return value;
    }

    public checkString(value: unknown, label: string, max: number): string | undefined {
        if (typeof value !== 'string') {
            this.problem(`${label} must be a string`);
            return undefined;
        }
        if (value.length > max) {
            this.problem(`${label} is longer than ${max} characters`);
            return undefined;
        }
        return value;
    }

    public problem(message: string): void {
        this.problems.push(message);
    }

    /** How many problems so far, for a parser that adds a problem only when the fields before it had none. */
    public problemCount(): number {
        return this.problems.length;
    }

    /** Throws one 400 naming every problem found, if any. */
    public finish(): void {
        if (this.problems.length > 0) {
            throw badRequest(this.problems.join('; '));
        }
    }

    private lookup(from: JsonObject | undefined, names: Array<string>): unknown {
        if (!from) {
            return undefined;
        }
        const wanted = names.map((name) => name.toLowerCase());
        for (const key of Object.keys(from)) {
            if (wanted.indexOf(key.toLowerCase()) !== -1) {
                return from[key];
            }
        }
        return undefined;
    }
}
