/// <reference types="jest" />
import { historyWindowStart, parseSessionStart } from '../../../lib/history/SessionStart';

const HOUR = 3600 * 1000;

describe('parseSessionStart', () => {
    it.each([
        ['2020-07-17 10:28', Date.UTC(2020, 6, 17, 10, 28)],
        ['2020-07-17T10:28', Date.UTC(2020, 6, 17, 10, 28)],
        ['2020-07-17T10:28:45', Date.UTC(2020, 6, 17, 10, 28, 45)],
        ['2020-07-17T10:28:45.123Z', Date.UTC(2020, 6, 17, 10, 28, 45, 123)],
        ['2020-07-17T10:28:45.123456789Z', Date.UTC(2020, 6, 17, 10, 28, 45, 123)],
        ['2020-07-17T10:28:45,5', Date.UTC(2020, 6, 17, 10, 28, 45, 500)],
        ['2020-07-17T10:28:45-03:00', Date.UTC(2020, 6, 17, 13, 28, 45)],
        ['2020-07-17T10:28:45+0530', Date.UTC(2020, 6, 17, 4, 58, 45)],
        ['2020-07-17 10:28 +02', Date.UTC(2020, 6, 17, 8, 28)],
        ['  2020-07-17 10:28  ', Date.UTC(2020, 6, 17, 10, 28)],
    ])('reads %j (no zone means UTC)', (value, expected) => {
        expect(parseSessionStart(value)).toBe(expected);
    });

    it.each([undefined, '', 'yesterday', '17/07/2020 10:28', '2020-13-01 10:00', '2020-07-17 24:00', '2020-07-17 10:60', '2020-07-17 10:28:61', '2020-07-32 10:00'])(
        'reads nothing from %j', (value) => {
            expect(parseSessionStart(value)).toBeUndefined();
        });
});

describe('historyWindowStart', () => {
    const now = Date.UTC(2024, 0, 15, 10, 0);

    it('starts at the session start when given', () => {
        expect(historyWindowStart('2024-01-15 08:30', 6, now)).toBe(Date.UTC(2024, 0, 15, 8, 30));
    });

    it('starts the history-hours setting before now without a session start', () => {
        expect(historyWindowStart(undefined, 6, now)).toBe(now - 6 * HOUR);
    });

    it('falls back to the hours for an unreadable or future session start', () => {
        expect(historyWindowStart('soon', 2, now)).toBe(now - 2 * HOUR);
        expect(historyWindowStart('2024-01-15 11:00', 2, now)).toBe(now - 2 * HOUR);
    });
});
