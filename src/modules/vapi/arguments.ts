import type { TObject } from "@sinclair/typebox";
import { type TypeCheck, TypeCompiler } from "@sinclair/typebox/compiler";
import { Value } from "@sinclair/typebox/value";

type Prepared = { ok: true; args: Record<string, unknown> } | { ok: false; message: string };

/**
 * What arguments need to be prepared without TypeBox's value passes: the schema's property names, its
 * top-level defaults, and the properties that take a number or its text.
 */
type Plan = { checker: TypeCheck<TObject>; keys: ReadonlySet<string>; defaults: Array<[string, unknown]>; numeric: string[] };

/**
 * A property that takes a number or its text (Elysia's integer and numeric types: a union of the number
 * and a string in the `integer` or `numeric` format). The REST route decodes the text into the number.
 */
const takesNumericText = (schema: unknown): boolean => {
  const members = (schema as { anyOf?: Array<{ type?: string; format?: string }> }).anyOf;
  return (
    Array.isArray(members) &&
    members.some((m) => m.type === "string" && (m.format === "integer" || m.format === "numeric")) &&
    members.some((m) => m.type === "integer" || m.type === "number")
  );
};

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
      numeric: properties.filter(([, s]) => takesNumericText(s)).map(([key]) => key),
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
 * keys the schema does not know (e.g. the static parameters), fills defaults, and reads a number a
 * model sent as text ("5") as the number, which must then meet the number's bounds. Errors name fields,
 * never values.
 *
 * Nearly every call is flat and already well typed; those skip TypeBox's interpreted passes (clone,
 * clean, default, convert), which give the same arguments for them at several times the cost.
 */
export function prepareArguments(schema: TObject, raw: Record<string, unknown>): Prepared {
  const plan = planFor(schema);
  const flat = preparedFlat(plan, raw);
  return numbersAsSent(schema, raw, flat ? { ok: true, args: flat } : preparedByValuePasses(schema, plan.checker, raw));
}

/**
 * Prepared arguments with each number as the model sent it, text read as the number. The schema's union
 * accepts numeric text as it is, and the value passes round a fraction sent for an integer; the REST route
 * does neither: it decodes the text and checks the number. So the number sent is checked again here:
 * "3" is 3, while "25" for a count of at most 20, or 22.5 minutes, is refused.
 */
export function numbersAsSent(schema: TObject, raw: Record<string, unknown>, prepared: Prepared): Prepared {
  if (!prepared.ok) return prepared;
  const plan = planFor(schema);
  let args: Record<string, unknown> | null = null;
  for (const key of plan.numeric) {
    const sent = raw[key];
    if (typeof sent !== "string" && typeof sent !== "number") continue;
    const value = typeof sent === "number" ? sent : Number(sent);
    if (Object.is(prepared.args[key], value)) continue;
    args ??= { ...prepared.args };
    args[key] = value;
  }
  if (!args) return prepared;
  return plan.checker.Check(args) ? { ok: true, args } : refusal(plan.checker, args);
}

/** TypeBox's value passes: the reference behaviour for every argument shape. */
export function preparedByValuePasses(schema: TObject, checker: TypeCheck<TObject>, raw: Record<string, unknown>): Prepared {
  const args = Value.Convert(schema, Value.Default(schema, Value.Clean(schema, Value.Clone(raw)))) as Record<string, unknown>;
  return checker.Check(args) ? { ok: true, args } : refusal(checker, args);
}

/** The first problems with the arguments, by field (never a value). */
function refusal(checker: TypeCheck<TObject>, args: Record<string, unknown>): Prepared {
  const problems = [...checker.Errors(args)].slice(0, 5).map((e) => `${e.path.replace(/^\//, "").replaceAll("/", ".") || "arguments"}: ${e.message}`);
  return { ok: false, message: [...new Set(problems)].join("; ") };
}
