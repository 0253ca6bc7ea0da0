import type { TObject } from "@sinclair/typebox";
import { type TypeCheck, TypeCompiler } from "@sinclair/typebox/compiler";
import { Value } from "@sinclair/typebox/value";

/** Each operation's schema compiled once (the interpreter walks the schema on every call). */
const compiled = new WeakMap<TObject, TypeCheck<TObject>>();
function checkerFor(schema: TObject): TypeCheck<TObject> {
  let checker = compiled.get(schema);
  if (!checker) {
    checker = TypeCompiler.Compile(schema);
    compiled.set(schema, checker);
  }
  return checker;
}

/**
 * Validates a tool call's arguments with the same schema as the REST route. Like the route, it drops
 * keys the schema does not know (e.g. the static parameters), fills defaults, and coerces what a
 * model often sends as strings ("5" for 5). Errors name fields, never values.
 */
export function prepareArguments(schema: TObject, raw: Record<string, unknown>): { ok: true; args: Record<string, unknown> } | { ok: false; message: string } {
  const args = Value.Convert(schema, Value.Default(schema, Value.Clean(schema, Value.Clone(raw)))) as Record<string, unknown>;
  const checker = checkerFor(schema);
  if (checker.Check(args)) return { ok: true, args };
  const problems = [...checker.Errors(args)].slice(0, 5).map((e) => `${e.path.replace(/^\//, "").replaceAll("/", ".") || "arguments"}: ${e.message}`);
  return { ok: false, message: [...new Set(problems)].join("; ") };
}
