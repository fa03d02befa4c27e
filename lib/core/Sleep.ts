// The app's runtime (Deno) has the timer globals; the app's compile settings (no DOM, no Node types) do not declare them.
declare function setTimeout(callback: () => void, ms: number): unknown;

/** Resolves after `ms`. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => {
    setTimeout(resolve, ms);
});
