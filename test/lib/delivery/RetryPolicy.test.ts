/// <reference types="jest" />
import { outcomeOfStatus, retryDelayMs, RETRY_WINDOW_MS, windowExpired } from '../../../lib/delivery/RetryPolicy';

describe('RetryPolicy', () => {
    it.each([200, 201, 202, 204, 299])('counts HTTP %i as delivered', (status) => {
        expect(outcomeOfStatus(status)).toEqual({ kind: 'delivered' });
    });

    it.each([408, 429, 500, 502, 503, 504, 599])('retries HTTP %i', (status) => {
        expect(outcomeOfStatus(status)).toEqual({ kind: 'retry', reason: `RapidPro answered HTTP ${status}` });
    });

    it('retries a non-final 1xx status', () => {
        expect(outcomeOfStatus(100).kind).toBe('retry');
    });

    it.each([300, 301, 400, 401, 403, 404, 405, 409, 410, 413, 422])('gives up on HTTP %i', (status) => {
        expect(outcomeOfStatus(status)).toEqual({ kind: 'give-up', reason: `RapidPro answered HTTP ${status}` });
    });

    it('waits 5 s, 10 s, 20 s, 40 s … doubling after each attempt', () => {
        expect([1, 2, 3, 4, 5].map(retryDelayMs)).toEqual([5000, 10000, 20000, 40000, 80000]);
    });

    it('waits at most an hour, however many attempts', () => {
        expect(retryDelayMs(11)).toBe(60 * 60 * 1000);
        expect(retryDelayMs(1000)).toBe(60 * 60 * 1000);
    });

    it('treats zero or negative attempts as the first', () => {
        expect(retryDelayMs(0)).toBe(5000);
        expect(retryDelayMs(-3)).toBe(5000);
    });

    it('has a 24 hour retry window', () => {
        expect(RETRY_WINDOW_MS).toBe(24 * 60 * 60 * 1000);
        expect(windowExpired(0, RETRY_WINDOW_MS - 1)).toBe(false);
        expect(windowExpired(0, RETRY_WINDOW_MS)).toBe(true);
        expect(windowExpired(1000, 1500, 500)).toBe(true);
        expect(windowExpired(1000, 1499, 500)).toBe(false);
    });
});
