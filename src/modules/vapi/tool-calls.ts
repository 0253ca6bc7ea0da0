import { asObject, type JsonObject } from "../../lib/json";

/** One tool call as pms-gateway understands it, whatever shape Vapi sent it in. */
export type IncomingToolCall = { id: string; name: string; rawArguments: unknown };

/**
 * Reads `toolCallList` (the spec), `toolCalls` (a legacy alias seen in real payloads) or
 * `toolWithToolCallList` (doc shapes), with arguments under `function.arguments`, `function.parameters`,
 * `arguments` or `parameters`.
 */
export function extractToolCalls(message: JsonObject): IncomingToolCall[] {
  const list: unknown[] = Array.isArray(message.toolCallList)
    ? message.toolCallList
    : Array.isArray(message.toolCalls)
      ? message.toolCalls
      : Array.isArray(message.toolWithToolCallList)
        ? message.toolWithToolCallList.map((entry) => {
            const e = asObject(entry);
            const call = asObject(e?.toolCall) ?? {};
            return { ...call, name: asObject(call.function)?.name ?? asObject(e?.function)?.name ?? e?.name };
          })
        : [];
  return list.map((item) => {
    const c = asObject(item) ?? {};
    const fn = asObject(c.function);
    return {
      id: typeof c.id === "string" ? c.id : "",
      name: typeof (fn?.name ?? c.name) === "string" ? String(fn?.name ?? c.name) : "",
      rawArguments: fn?.arguments ?? fn?.parameters ?? c.arguments ?? c.parameters,
    };
  });
}

/** The legacy `function-call` message: `{functionCall: {name, parameters}}`. */
export function extractFunctionCall(message: JsonObject): IncomingToolCall | null {
  const fc = asObject(message.functionCall);
  if (!fc || typeof fc.name !== "string") return null;
  return { id: "", name: fc.name, rawArguments: fc.parameters ?? fc.arguments };
}

/** Arguments arrive as an object or a JSON string; anything else is a malformed call. */
export function parseArguments(raw: unknown): { ok: true; args: JsonObject } | { ok: false } {
  if (raw === undefined || raw === null || raw === "") return { ok: true, args: {} };
  if (typeof raw === "string") {
    try {
      const parsed = JSON.parse(raw);
      return asObject(parsed) ? { ok: true, args: parsed } : { ok: false };
    } catch {
      return { ok: false };
    }
  }
  const o = asObject(raw);
  return o ? { ok: true, args: o } : { ok: false };
}
