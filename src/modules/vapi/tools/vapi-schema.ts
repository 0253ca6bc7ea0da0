import { isJsonObject, type JsonObject } from "../../../lib/json";
/**
 * Converts an operation's argument schema (TypeBox, full JSON Schema) into the subset Vapi accepts for
 * function-tool parameters: `type` on every property, and only `items`, `properties`, `description`,
 * `pattern`, `format`, `required`, `enum` (strings) and `title`. Constraints the subset cannot express
 * (lengths, bounds, defaults, examples) are written into the description so the model still sees them;
 * the server validates the full schema either way.
 */

export type VapiJsonSchemaType = "string" | "number" | "integer" | "boolean" | "array" | "object";
export type VapiJsonSchemaFormat = "date-time" | "time" | "date" | "duration" | "email" | "hostname" | "ipv4" | "ipv6" | "uuid";

export type VapiJsonSchema = {
  type: VapiJsonSchemaType;
  items?: VapiJsonSchema;
  properties?: Record<string, VapiJsonSchema>;
  description?: string;
  pattern?: string;
  format?: VapiJsonSchemaFormat;
  required?: string[];
  enum?: string[];
  title?: string;
};

export type VapiObjectSchema = { type: "object"; properties: Record<string, VapiJsonSchema>; required: string[] };

/** The keys Vapi's parameter schema allows; anything else is dropped or moved into the description. */
export const VAPI_SCHEMA_KEYS: ReadonlySet<string> = new Set(["type", "items", "properties", "description", "pattern", "format", "required", "enum", "title"]);

const VAPI_FORMATS: ReadonlySet<string> = new Set(["date-time", "time", "date", "duration", "email", "hostname", "ipv4", "ipv6", "uuid"]);
const VAPI_TYPES: ReadonlySet<string> = new Set(["string", "number", "integer", "boolean", "array", "object"]);

/**
 * Elysia widens numeric fields to "a number, or a string holding one" so query strings coerce; that
 * string branch is transport detail, not something the model should send.
 */
const isCoercionBranch = (s: JsonObject) => s.type === "string" && (s.format === "integer" || s.format === "numeric");

/** Picks the one meaningful branch of a union, or turns a union of constants into an enum. */
function collapseUnion(schema: JsonObject): JsonObject {
  const branches = ((schema.anyOf ?? schema.oneOf) as unknown[]).filter(isJsonObject);
  const { anyOf: _a, oneOf: _o, ...outer } = schema;
  if (branches.length > 0 && branches.every((b) => "const" in b)) {
    const values = branches.map((b) => b.const);
    const allNumbers = values.every((v) => typeof v === "number");
    // Vapi's enum holds strings only: numeric choices are listed in the description instead.
    return allNumbers
      ? { ...outer, type: values.every(Number.isInteger) ? "integer" : "number", description: joinText(outer.description, `One of ${values.join(", ")}.`) }
      : { ...outer, type: "string", enum: values.map(String) };
  }
  const meaningful = branches.filter((b) => b.type !== "null" && !isCoercionBranch(b));
  const chosen = meaningful[meaningful.length - 1] ?? branches[0] ?? {};
  return { ...chosen, ...outer, description: outer.description ?? chosen.description };
}

const joinText = (...parts: unknown[]) =>
  parts
    .filter((p): p is string => typeof p === "string" && p.length > 0)
    .map((p) => p.trim())
    .map((p, i, all) => (i < all.length - 1 && !/[.!?:]$/.test(p) ? `${p}.` : p))
    .join(" ");

/** The constraints Vapi's subset cannot carry, as a short sentence for the description. */
function constraintText(s: JsonObject): string {
  const notes: string[] = [];
  if (s.type === "string") {
    if (typeof s.minLength === "number" && typeof s.maxLength === "number") {
      notes.push(s.minLength > 1 ? `${s.minLength} to ${s.maxLength} characters.` : `At most ${s.maxLength} characters.`);
    } else if (typeof s.maxLength === "number") notes.push(`At most ${s.maxLength} characters.`);
    else if (typeof s.minLength === "number" && s.minLength > 1) notes.push(`At least ${s.minLength} characters.`);
  }
  const low = typeof s.exclusiveMinimum === "number" ? `more than ${s.exclusiveMinimum}` : typeof s.minimum === "number" ? `at least ${s.minimum}` : null;
  const high = typeof s.exclusiveMaximum === "number" ? `less than ${s.exclusiveMaximum}` : typeof s.maximum === "number" ? `at most ${s.maximum}` : null;
  if (low || high) notes.push(`${[low, high].filter(Boolean).join(", ")}.`.replace(/^./, (c) => c.toUpperCase()));
  if (Array.isArray(s.items) || typeof s.maxItems === "number") {
    if (typeof s.maxItems === "number") notes.push(`At most ${s.maxItems} items.`);
  }
  if (s.default !== undefined) notes.push(`Default: ${JSON.stringify(s.default)}.`);
  if (Array.isArray(s.examples) && s.examples.length > 0) notes.push(`Example: ${JSON.stringify(s.examples[0])}.`);
  if (typeof s.format === "string" && !VAPI_FORMATS.has(s.format)) notes.push(`Format: ${s.format}.`);
  return notes.join(" ");
}

/** One schema node in Vapi's subset. */
export function toVapiSchema(input: unknown): VapiJsonSchema {
  let s: JsonObject = isJsonObject(input) ? input : {};
  if (Array.isArray(s.anyOf) || Array.isArray(s.oneOf)) s = collapseUnion(s);
  if ("const" in s && s.type === undefined) s = { ...s, type: typeof s.const === "number" ? "number" : "string" };

  const type = (typeof s.type === "string" && VAPI_TYPES.has(s.type) ? s.type : "string") as VapiJsonSchemaType;
  const out: VapiJsonSchema = { type };
  if (typeof s.title === "string") out.title = s.title;
  const description = joinText(s.description, constraintText(s));
  if (description) out.description = description;
  if (typeof s.pattern === "string" && type === "string") out.pattern = s.pattern;
  if (typeof s.format === "string" && VAPI_FORMATS.has(s.format)) out.format = s.format as VapiJsonSchemaFormat;
  if (Array.isArray(s.enum)) out.enum = s.enum.map(String);
  else if ("const" in s) out.enum = [String(s.const)];
  if (type === "array") out.items = toVapiSchema(Array.isArray(s.items) ? s.items[0] : s.items);
  if (type === "object") {
    out.properties = Object.fromEntries(Object.entries(isJsonObject(s.properties) ? s.properties : {}).map(([k, v]) => [k, toVapiSchema(v)]));
    if (Array.isArray(s.required) && s.required.length > 0) out.required = s.required.filter((r): r is string => typeof r === "string");
  }
  return out;
}

/** A tool's top-level parameters object (Vapi wants `properties` and `required` present). */
export function toVapiParameters(schema: unknown): VapiObjectSchema {
  const converted = toVapiSchema({ ...(isJsonObject(schema) ? schema : {}), type: "object" });
  return { type: "object", properties: converted.properties ?? {}, required: converted.required ?? [] };
}
