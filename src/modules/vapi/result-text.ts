import type { ExecuteOutcome } from "../../operations/execute";

const oneLine = (s: string) => s.replace(/[\r\n\u2028\u2029]+/g, " ").trim();

/** Texts of frozen (shared, unchanging) data, remembered with the summary they were written for. */
const sharedTexts = new WeakMap<object, { summary: string; text: string }>();

/**
 * Vapi wants single-line strings: a sentence the assistant can say, then compact JSON with the data.
 * Data frozen all the way down (an answer shared between callers) is written out once.
 */
export function resultText(summary: string, data: unknown): string {
  if (typeof data !== "object" || data === null || !Object.isFrozen(data)) return `${oneLine(summary)} ${JSON.stringify(data)}`;
  const known = sharedTexts.get(data);
  if (known?.summary === summary) return known.text;
  const text = `${oneLine(summary)} ${JSON.stringify(data)}`;
  sharedTexts.set(data, { summary, text });
  return text;
}

export function errorText(code: string, message: string): string {
  return `${oneLine(message)} ${JSON.stringify({ error: { code } })}`;
}

export function outcomeText(outcome: ExecuteOutcome): { result: string } | { error: string } {
  return outcome.ok ? { result: resultText(outcome.summary, outcome.data) } : { error: errorText(outcome.code, outcome.message) };
}
