/// <reference types="jest" />
import { hostOf, isHttpUrl, originOf, withOriginsOnly } from '../../../lib/core/Url';

describe('Url', () => {
    it.each([
        'https://rapidpro.example.com/mr/tickets/types/rocketchat/event_callback/abc',
        'http://localhost:8000/cb',
        'HTTPS://EXAMPLE.COM',
        'https://example.com?x=1',
        'https://example.com#frag',
        'https://10.0.0.1:8443/path',
    ])('accepts %s', (url) => {
        expect(isHttpUrl(url)).toBe(true);
    });

    it.each([
        '',
        '/relative/path',
        'ftp://example.com/file',
        'javascript:alert(1)',
        'https://',
        'https:///path',
        'https://exa mple.com/',
        'https://example.com/with space',
        'https://user@example.com/',
        'example.com',
    ])('rejects %j', (url) => {
        expect(isHttpUrl(url)).toBe(false);
    });

    it('rejects a URL longer than 4096 characters', () => {
        expect(isHttpUrl(`https://example.com/${'a'.repeat(4096)}`)).toBe(false);
    });

    it('gives the origin without path or credentials', () => {
        expect(originOf('https://rapidpro.example.com/mr/tickets/x?y=1')).toBe('https://rapidpro.example.com');
        expect(originOf('http://localhost:8000')).toBe('http://localhost:8000');
        expect(originOf('https://user:pass@rapidpro.example.com:8443/a')).toBe('https://rapidpro.example.com:8443');
        expect(originOf('not a url')).toBe('');
    });

    it('gives the host alone, for showing where webhooks go without the path', () => {
        expect(hostOf('https://rapidpro.example.com/mr/tickets/secret-path')).toBe('rapidpro.example.com');
        expect(hostOf('http://localhost:8000/cb')).toBe('localhost:8000');
        expect(hostOf('')).toBe('');
    });

    it('cuts every URL quoted in an error message down to its origin, credentials dropped', () => {
        expect(withOriginsOnly('request to https://rapidpro.example.com/mr/tickets/types/rocketchat/event_callback/abc failed, reason: connect ECONNREFUSED 127.0.0.1:80'))
            .toBe('request to https://rapidpro.example.com/… failed, reason: connect ECONNREFUSED 127.0.0.1:80');
        expect(withOriginsOnly('from http://u:p@a.example.com:81/x?token=1 to HTTPS://b.example.com')).toBe('from http://a.example.com:81/… to HTTPS://b.example.com/…');
        expect(withOriginsOnly('The user aborted a request.')).toBe('The user aborted a request.');
    });
});
