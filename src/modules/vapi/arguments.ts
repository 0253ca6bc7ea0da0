import type { TObject } from "@sinclair/typebox";
import { type TypeCheck, TypeCompiler } from "@sinclair/typebox/compiler";
import { Value } from "@sinclair/typebox/value";

type Prepared = { ok: true; args: Record<string, unknown> } | { ok: false; message: string };

/**
 * What flat arguments need to be prepared without TypeBox's value passes: the schema's property names
 * and top-level defaults.
 */
type Plan = { checker: TypeCheck<TObject>; keys: ReadonlySet<string>; defaults: Array<[string, unknown]> };

/** Each operation's schema compiled once (the interpreter walks the schema on every call). */
const plans = new WeakMap<TObject, Plan>();
function planFor(schema: TObject): Plan {
  let plan = plans.get(schema);
  if (!plan) {
    const properties = Object.entries(schema.properties);
    plan = {
      checker: TypeCompiler.Compile(schema),
      keys: new Set(properties.map(([key]) => key)),
      defaults: properties.filter(([, s]) => "default" in s).map(([key, s]) => [key, s.default] as [string, unknown]),
    };
    plans.set(schema, plan);
  }
  return plan;
}

/**
 * Flat arguments (plain values only) that already pass the schema: the keys it knows, with its defaults
 * filled in. Null whenever the full passes could give anything else (a nested value, a value to coerce,
 * anything invalid), so the answer is always theirs: a value that already passes is left as it is.
 */
function preparedFlat(plan: Plan, raw: Record<string, unknown>): Record<string, unknown> | null {
  const args: Record<string, unknown> = {};
  for (const key of Object.keys(raw)) {
    const value = raw[key];
    if (typeof value === "object" && value !== null) return null;
    if (plan.keys.has(key)) args[key] = value;
  }
  for (const [key, value] of plan.defaults) if (args[key] === undefined) args[key] = value;
  return plan.checker.Check(args) ? args : null;
}

/**
 * Validates a tool call's arguments with the same schema as the REST route. Like the route, it drops
 * keys the schema does not know (e.g. the static parameters), fills defaults, and coerces what a
 * model often sends as strings ("5" for 5). Errors name fields, never values.
 *
 * Nearly every call is flat and already well typed; those skip TypeBox's interpreted passes (clone,
 * clean, default, convert), which give the same arguments for them at several times the cost.
 */
export function prepareArguments(schema: TObject, raw: Record<string, unknown>): Prepared {
  const plan = planFor(schema);
  const flat = preparedFlat(plan, raw);
  if (flat) return { ok: true, args: flat };
  return preparedByValuePasses(schema, plan.checker, raw);
}

/** TypeBox's value passes: the reference behaviour for every argument shape. */
export function preparedByValuePasses(schema: TObject, checker: TypeCheck<TObject>, raw: Record<string, unknown>): Prepared {
  const args = Value.Convert(schema, Value.Default(schema, Value.Clean(schema, Value.Clone(raw)))) as Record<string, unknown>;
  if (checker.Check(args)) return { ok: true, args };
  const problems = [...checker.Errors(args)].slice(0, 5).map((e) => `${e.path.replace(/^\//, "").replaceAll("/", ".") || "arguments"}: ${e.message}`);
  return { ok: false, message: [...new Set(problems)].join("; ") };
}
