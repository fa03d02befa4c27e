/// <reference types="jest" />
import { constantTimeEquals, tokenFromHeader } from '../../../lib/requests/Secret';

describe('constantTimeEquals', () => {
    it('is true only for equal strings', () => {
        expect(constantTimeEquals('ABC123', 'ABC123')).toBe(true);
        expect(constantTimeEquals('ABC124', 'ABC123')).toBe(false);
        expect(constantTimeEquals('abc123', 'ABC123')).toBe(false);
    });

    it('is false for a prefix, an extension, or a repetition of the secret', () => {
        expect(constantTimeEquals('ABC', 'ABCABC')).toBe(false);
        expect(constantTimeEquals('ABCABC', 'ABC')).toBe(false);
        expect(constantTimeEquals('ABC1234', 'ABC123')).toBe(false);
        expect(constantTimeEquals('ABC12', 'ABC123')).toBe(false);
    });

    it('is false for an empty guess and true only for two empty strings', () => {
        expect(constantTimeEquals('', 'ABC')).toBe(false);
        expect(constantTimeEquals('ABC', '')).toBe(false);
        expect(constantTimeEquals('', '')).toBe(true);
    });

    it('compares characters beyond ASCII', () => {
        expect(constantTimeEquals('sêcret✓', 'sêcret✓')).toBe(true);
        expect(constantTimeEquals('secret✓', 'sêcret✓')).toBe(false);
    });
});

describe('tokenFromHeader', () => {
    it.each([
        ['Token ABC', 'ABC'],
        ['token ABC', 'ABC'],
        ['TOKEN ABC', 'ABC'],
        ['  Token   ABC  ', 'ABC'],
        ['Token\tABC\n', 'ABC'],
        ['Token A B', 'A B'],
    ])('reads %j as %j', (header, token) => {
        expect(tokenFromHeader(header)).toBe(token);
    });

    it.each([
        ['Bearer ABC'],
        ['ABC'],
        ['Token'],
        ['Token '],
        ['TokenABC'],
        [''],
    ])('reads nothing from %j', (header) => {
        expect(tokenFromHeader(header)).toBeUndefined();
    });

    it('reads a header of 32 KB of spaces in linear time (it runs before authentication)', () => {
        const started = Date.now();
        expect(tokenFromHeader(`Token a${' '.repeat(32768)}b`)).toBe(`a${' '.repeat(32768)}b`);
        expect(tokenFromHeader(`Token a${' '.repeat(32768)}\u0000`)).toBe(`a${' '.repeat(32768)}\u0000`);
        expect(Date.now() - started).toBeLessThan(250);
    });

    it('reads nothing from a missing or non-string header', () => {
        expect(tokenFromHeader(undefined)).toBeUndefined();
        expect(tokenFromHeader(['Token ABC'])).toBeUndefined();
    });
});
