/**
 * The one error type the app throws on purpose. `status` is the HTTP status the
 * endpoint guard answers with; `message` is safe to show to the caller (it names
 * the field and the problem, never a secret or an internal id).
 */
export class AppError extends Error {
    constructor(public readonly status: number, message: string) {
        super(message);
        this.name = 'AppError';
    }
}

export const badRequest = (message: string) => new AppError(400, message);
export const notFound = (message: string) => new AppError(404, message);
export const conflict = (message: string) => new AppError(409, message);
export const unavailable = (message: string) => new AppError(503, message);

/** The message of anything thrown, bounded, for logs. */
export function messageOf(e: unknown): string {
    return (e instanceof Error ? e.message : String(e)).slice(0, 500);
}
