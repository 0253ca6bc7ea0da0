/**
 * An abort signal that fires a `TimeoutError` after `ms`, with a timer the caller clears once the
 * exchange is over. `AbortSignal.timeout` keeps its timer and signal alive for the whole period, and
 * then builds its error even though nobody listens: under load that is tens of thousands of live
 * signals and exceptions for exchanges that ended long ago.
 */
export function deadline(ms: number): { signal: AbortSignal; clear(): void } {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DOMException("The operation timed out.", "TimeoutError")), ms);
  return { signal: controller.signal, clear: () => clearTimeout(timer) };
}

/** True for the error an exchange ends with when its deadline (or any abort) cut it off. */
export const cutOffByDeadline = (e: unknown): boolean => {
  const name = (e as Error)?.name;
  return name === "TimeoutError" || name === "AbortError";
};
