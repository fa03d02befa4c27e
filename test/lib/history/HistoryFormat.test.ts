/// <reference types="jest" />
import { formatTime, historyLines, historySummaries, RapidProMessage } from '../../../lib/history/HistoryFormat';

const msg = (direction: string, text: string | null, createdOn: string, attachments?: RapidProMessage['attachments']): RapidProMessage =>
    ({ direction, text, created_on: createdOn, attachments });

describe('formatTime', () => {
    it('shows RapidPro times in UTC to the minute', () => {
        expect(formatTime('2020-07-17T10:28:45.123456Z')).toBe('2020-07-17 10:28 UTC');
        expect(formatTime('2020-01-02T03:04:00-03:00')).toBe('2020-01-02 06:04 UTC');
    });

    it('leaves an unreadable time as it is', () => {
        expect(formatTime('not a time')).toBe('not a time');
    });
});

describe('historyLines', () => {
    it('puts the oldest first, marking contact and bot', () => {
        const newestFirst = [
            msg('out', 'An agent will answer soon.', '2020-07-17T10:30:00Z'),
            msg('in', 'I want to talk to someone', '2020-07-17T10:29:00Z'),
            msg('out', 'Hi! How can I help?', '2020-07-17T10:28:00Z'),
        ];
        expect(historyLines(newestFirst)).toEqual([
            '2020-07-17 10:28 UTC **Bot:** Hi! How can I help?',
            '2020-07-17 10:29 UTC **Contact:** I want to talk to someone',
            '2020-07-17 10:30 UTC **Bot:** An agent will answer soon.',
        ]);
        expect(newestFirst[0].text).toBe('An agent will answer soon.');
    });

    it('joins lines of a message and adds each attachment as a link', () => {
        expect(historyLines([msg('in', 'look\n  at this', '2020-07-17T10:28:00Z', [
            { content_type: 'image/jpeg', url: 'https://m.example.com/a.jpg' }, { url: 'https://m.example.com/b' }, { content_type: 'x' },
        ])])).toEqual(['2020-07-17 10:28 UTC **Contact:** look at this [image/jpeg](https://m.example.com/a.jpg) [file](https://m.example.com/b)']);
    });

    it('copes with a message without text', () => {
        expect(historyLines([msg('in', null, '2020-07-17T10:28:00Z', null)])).toEqual(['2020-07-17 10:28 UTC **Contact:** ']);
    });
});

describe('historySummaries', () => {
    it('posts nothing for an empty history', () => {
        expect(historySummaries([])).toEqual([]);
    });

    it('makes one summary with a header counting the messages', () => {
        expect(historySummaries([msg('in', 'hi', '2020-07-17T10:28:00Z')])).toEqual([
            'Chatbot conversation before this ticket (1 message):\n2020-07-17 10:28 UTC **Contact:** hi',
        ]);
        expect(historySummaries([msg('in', 'a', '2020-07-17T10:29:00Z'), msg('out', 'b', '2020-07-17T10:28:00Z')])[0]).toMatch(/^Chatbot conversation before this ticket \(2 messages\):\n/);
    });

    it('splits a long history at line boundaries so each summary fits in one message', () => {
        const many = Array.from({ length: 30 }, (_, i) => msg('in', `message number ${i} ${'x'.repeat(40)}`, '2020-07-17T10:28:00Z'));
        const summaries = historySummaries(many, 400);
        expect(summaries.length).toBeGreaterThan(1);
        for (const summary of summaries) {
            expect(summary.length).toBeLessThanOrEqual(400);
        }
        expect(summaries[1].startsWith('(continued)\n')).toBe(true);
        const lines = summaries.join('\n').split('\n').filter((l) => l.indexOf('message number') !== -1);
        expect(lines).toHaveLength(30);
        expect(lines[0]).toContain('message number 29');
    });

    it('cuts a single line that could never fit', () => {
        const [summary, rest] = historySummaries([msg('in', 'y'.repeat(1000), '2020-07-17T10:28:00Z')], 200);
        expect(rest.length).toBeLessThanOrEqual(200);
        expect(rest.endsWith('…')).toBe(true);
        expect(summary.startsWith('Chatbot conversation')).toBe(true);
    });
});
