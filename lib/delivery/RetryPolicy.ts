/** How long undelivered webhooks are retried before they are given up (PROTOCOL §3). */
export const RETRY_WINDOW_MS = 24 * 60 * 60 * 1000;
const FIRST_DELAY_MS = 5000;
const MAX_DELAY_MS = 60 * 60 * 1000;

export type Outcome =
    | { kind: 'delivered' }
    | { kind: 'retry'; reason: string }
    | { kind: 'give-up'; reason: string };

/** Any 2xx is success; 408, 429 and 5xx are worth another try; other statuses will not change by retrying. */
export function outcomeOfStatus(status: number): Outcome {
    if (status >= 200 && status < 300) {
        return { kind: 'delivered' };
    }
    const reason = `RapidPro answered HTTP ${status}`;
    if (status === 408 || status === 429 || status >= 500 || status < 200) {
        return { kind: 'retry', reason };
    }
    return { kind: 'give-up', reason };
}

/** Delay before attempt `attempts + 1`: 5 s, 10 s, 20 s … doubling, at most an hour. */
export function retryDelayMs(attempts: number): number {
    const exponent = Math.max(0, Math.min(attempts - 1, 20));
    return Math.min(FIRST_DELAY_MS * Math.pow(2, exponent), MAX_DELAY_MS);
}

export function windowExpired(createdAt: number, now: number, windowMs = RETRY_WINDOW_MS): boolean {
    return now - createdAt >= windowMs;
}
