/// <reference types="jest" />
import { AppError, badRequest, conflict, messageOf, notFound, unavailable } from '../../../lib/core/AppError';

describe('AppError', () => {
    it('carries the status the guard answers with', () => {
        expect([badRequest('a'), notFound('b'), conflict('c'), unavailable('d')].map((e) => [e.status, e.message])).toEqual([
            [400, 'a'], [404, 'b'], [409, 'c'], [503, 'd'],
        ]);
        expect(new AppError(415, 'x')).toBeInstanceOf(Error);
        expect(new AppError(415, 'x').name).toBe('AppError');
    });

    it('messageOf gives the message of anything thrown, bounded to 500 characters', () => {
        expect(messageOf(new Error('boom'))).toBe('boom');
        expect(messageOf('plain')).toBe('plain');
        expect(messageOf(42)).toBe('42');
        expect(messageOf(new Error('x'.repeat(600)))).toHaveLength(500);
    });
});
