import type { ExecuteOutcome } from "../../operations/execute";

const oneLine = (s: string) => s.replace(/[\r\n\u2028\u2029]+/g, " ").trim();

/** Vapi wants single-line strings: a sentence the assistant can say, then compact JSON with the data. */
export function resultText(summary: string, data: unknown): string {
  return `${oneLine(summary)} ${JSON.stringify(data)}`;
}

export function errorText(code: string, message: string): string {
  return `${oneLine(message)} ${JSON.stringify({ error: { code } })}`;
}

export function outcomeText(outcome: ExecuteOutcome): { result: string } | { error: string } {
  return outcome.ok ? { result: resultText(outcome.summary, outcome.data) } : { error: errorText(outcome.code, outcome.message) };
}
