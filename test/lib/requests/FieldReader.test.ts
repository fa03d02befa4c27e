/// <reference types="jest" />
import { AppError } from '../../../lib/core/AppError';
import { FieldReader, isJsonObject } from '../../../lib/requests/FieldReader';

function problemOf(fn: (fields: FieldReader) => void): string | undefined {
    const fields = new FieldReader();
    fn(fields);
    try {
        fields.finish();
        return undefined;
    } catch (e) {
        expect(e).toBeInstanceOf(AppError);
        expect((e as AppError).status).toBe(400);
        return (e as AppError).message;
    }
}

describe('isJsonObject', () => {
    it('is true for plain objects only', () => {
        expect(isJsonObject({})).toBe(true);
        expect(isJsonObject([])).toBe(false);
        expect(isJsonObject(null)).toBe(false);
        expect(isJsonObject('{}')).toBe(false);
        expect(isJsonObject(1)).toBe(false);
    });
});

describe('FieldReader', () => {
    it('matches any of the spellings, in any letter case', () => {
        const fields = new FieldReader();
        expect(fields.string({ ticketID: 'T1' }, ['ticketId', 'ticketID'], 'ticketId', 10)).toBe('T1');
        expect(fields.string({ TicketId: 'T2' }, ['ticketId'], 'ticketId', 10)).toBe('T2');
        expect(fields.string({ other: 'x' }, ['ticketId'], 'ticketId', 10)).toBeUndefined();
        expect(fields.string(undefined, ['ticketId'], 'ticketId', 10)).toBeUndefined();
        fields.finish();
    });

    it('reads only own properties: "__proto__" and "constructor" are plain data', () => {
        const body = JSON.parse('{"__proto__": {"polluted": true}}');
        const fields = new FieldReader();
        expect(fields.string(body, ['toString'], 'toString', 10)).toBeUndefined();
        expect(fields.object(body, ['constructor'], 'constructor')).toBeUndefined();
        expect(fields.object(body, ['__proto__'], 'x')).toEqual({ polluted: true });
        expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
    });

    it('reports a missing required field by its label', () => {
        expect(problemOf((f) => f.string({}, ['a'], 'visitor.token', 10, true))).toBe('visitor.token is required');
        expect(problemOf((f) => f.string({ a: '' }, ['a'], 'visitor.token', 10, true))).toBe('visitor.token is required');
        expect(problemOf((f) => f.string({ a: null }, ['a'], 'visitor.token', 10, true))).toBe('visitor.token is required');
        expect(problemOf((f) => f.object({}, ['a'], 'visitor', true))).toBe('visitor is required');
    });

    it('leaves an optional field out without a problem', () => {
        expect(problemOf((f) => f.string({}, ['a'], 'a', 10))).toBeUndefined();
        expect(problemOf((f) => f.object({ a: null }, ['a'], 'a'))).toBeUndefined();
        expect(problemOf((f) => f.array({}, ['a'], 'a', 3))).toBeUndefined();
    });

    it('reports wrong types', () => {
        expect(problemOf((f) => f.string({ a: 5 }, ['a'], 'a', 10))).toBe('a must be a string');
        expect(problemOf((f) => f.object({ a: [] }, ['a'], 'a'))).toBe('a must be an object');
        expect(problemOf((f) => f.array({ a: {} }, ['a'], 'a', 3))).toBe('a must be an array');
    });

    it('reports values over their limits', () => {
        expect(problemOf((f) => f.string({ a: 'abcd' }, ['a'], 'a', 3))).toBe('a is longer than 3 characters');
        expect(problemOf((f) => f.array({ a: [1, 2, 3, 4] }, ['a'], 'a', 3))).toBe('a has more than 3 items');
        expect(problemOf((f) => f.string({ a: 'abc' }, ['a'], 'a', 3))).toBeUndefined();
    });

    it('turns a number into its decimal string where numbers are allowed', () => {
        const fields = new FieldReader();
        expect(fields.stringOrNumber({ token: 1234 }, ['token'], 'token', 10)).toBe('1234');
        expect(fields.stringOrNumber({ token: 0 }, ['token'], 'token', 10, true)).toBe('0');
        expect(fields.stringOrNumber({ token: 'abc' }, ['token'], 'token', 10)).toBe('abc');
        fields.finish();
        expect(problemOf((f) => f.stringOrNumber({ token: Infinity }, ['token'], 'token', 10))).toBe('token must be a string');
        expect(problemOf((f) => f.stringOrNumber({ token: true }, ['token'], 'token', 10))).toBe('token must be a string');
    });

    it('names every problem in one error', () => {
        expect(problemOf((f) => {
            f.string({}, ['a'], 'a', 1, true);
            f.string({ b: 1 }, ['b'], 'b', 1);
            f.problem('c is odd');
        })).toBe('a is required; b must be a string; c is odd');
    });
});
