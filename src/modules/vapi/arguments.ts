import type { TObject } from "@sinclair/typebox";
import { Value } from "@sinclair/typebox/value";

/**
 * Validates a tool call's arguments with the same schema as the REST route. Like the route, it drops
 * keys the schema does not know (e.g. the static parameters), fills defaults, and coerces what a
 * model often sends as strings ("5" for 5). Errors name fields, never values.
 */
export function prepareArguments(schema: TObject, raw: Record<string, unknown>): { ok: true; args: Record<string, unknown> } | { ok: false; message: string } {
  const args = Value.Convert(schema, Value.Default(schema, Value.Clean(schema, Value.Clone(raw)))) as Record<string, unknown>;
  if (Value.Check(schema, args)) return { ok: true, args };
  const problems = [...Value.Errors(schema, args)].slice(0, 5).map((e) => `${e.path.replace(/^\//, "").replaceAll("/", ".") || "arguments"}: ${e.message}`);
  return { ok: false, message: [...new Set(problems)].join("; ") };
}
