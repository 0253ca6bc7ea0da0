/**
 * Freezes a JSON-like value all the way down and returns it. A value frozen this way may be shared
 * between requests and its derived forms remembered by identity (`Object.isFrozen` is then a promise
 * that nothing inside it changes); a mutation anywhere throws instead of leaking into another answer.
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
