/** Reading untrusted parsed JSON (vendor messages, request bodies) without casts at every step. */
export type JsonObject = Record<string, unknown>;

/** The value as a plain object, or undefined for anything else (arrays, null, primitives). */
export const asObject = (value: unknown): JsonObject | undefined =>
  value && typeof value === "object" && !Array.isArray(value) ? (value as JsonObject) : undefined;

export const isJsonObject = (value: unknown): value is JsonObject => asObject(value) !== undefined;
