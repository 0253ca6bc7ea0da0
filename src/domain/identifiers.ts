/**
 * Identifiers (patient, appointment, account, call and tool-call ids, idempotency keys) are 1–128
 * printable characters: no control characters, no unpaired surrogates. Anything else could be stored
 * differently from what was checked or hashed.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this refuses.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

export const ID_MAX_LENGTH = 128;

/** TypeBox/JSON-schema pattern for an id: printable, no control characters (length is checked apart). */
export const ID_PATTERN = "^[^\\x00-\\x1f\\x7f]+$";

export function isIdentifier(value: unknown): value is string {
  return typeof value === "string" && value.length > 0 && value.length <= ID_MAX_LENGTH && value.isWellFormed() && !CONTROL.test(value);
}

/** True when any string (or key) in the value holds a NUL character, which no text field accepts. */
export function containsNul(value: unknown, depth = 0): boolean {
  if (depth > 64) return true;
  if (typeof value === "string") return value.includes("\u0000");
  if (Array.isArray(value)) return value.some((v) => containsNul(v, depth + 1));
  if (value && typeof value === "object") {
    const object = value as Record<string, unknown>;
    for (const key of Object.keys(object)) if (key.includes("\u0000") || containsNul(object[key], depth + 1)) return true;
  }
  return false;
}
