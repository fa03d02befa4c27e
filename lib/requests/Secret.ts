/**
 * Compares two strings in time that depends only on the length of `expected`,
 * so the time of a wrong guess tells nothing about how much of it was right.
 * Written out because the app cannot rely on Node's crypto inside every runtime.
 */
// tslint:disable:no-bitwise -- XOR/OR accumulate differences without a data-dependent branch
export function constantTimeEquals(given: string, expected: string): boolean {
    let diff = given.length ^ expected.length;
    for (let i = 0; i < expected.length; i++) {
        // Index modulo keeps the loop length fixed even when `given` is shorter.
        const g = given.length > 0 ? given.charCodeAt(i % given.length) : 0;
        diff |= g ^ expected.charCodeAt(i);
    }
    return diff === 0;
}
// tslint:enable:no-bitwise

/**
 * `Token <secret>`, with the word matched case-insensitively and whitespace
 * trimmed. Trimmed first and matched without a lazy group: this runs before
 * authentication, and `(.+?)\s*$` backtracks quadratically on a header full of
 * spaces (0.6 s for 16 KB, the most a server accepts).
 */
export function tokenFromHeader(header: unknown): string | undefined {
    if (typeof header !== 'string') {
        return undefined;
    }
    const match = /^token\s+(\S.*)$/i.exec(header.trim());
    return match ? match[1] : undefined;
}
