import { describe, expect, test } from "bun:test";
import type { Vapi } from "@vapi-ai/server-sdk";
import { buildPmsTools, PMS_TOOLS } from "../../src/modules/vapi/tools/definitions";
import { toVapiSchema, VAPI_SCHEMA_KEYS } from "../../src/modules/vapi/tools/vapi-schema";

// Checked by `tsc` (npm run typecheck, run by CI): every served tool is a valid create-tool request
// in Vapi's own published SDK types. A field Vapi does not know, or a schema outside its subset, fails here.
const served = buildPmsTools("https://gateway.example.com") satisfies Vapi.CreateToolsRequest.Function[];
const exported: Vapi.CreateToolsRequest.Function[] = PMS_TOOLS;
// vapi:sync sends an update without `type` (a tool's type cannot change): Vapi's update DTO.
const updatable: Vapi.UpdateFunctionToolDto = (({ type: _t, ...rest }) => rest)(served[0]!);

const VAPI_FORMATS = new Set<string>(Object.values((await import("@vapi-ai/server-sdk")).Vapi.JsonSchemaFormat));
const VAPI_TYPES = new Set<string>(Object.values((await import("@vapi-ai/server-sdk")).Vapi.JsonSchemaType));

/** Walks a parameter schema and lists every place it leaves Vapi's subset. */
function violations(schema: unknown, path: string): string[] {
  const s = schema as Record<string, unknown>;
  const out: string[] = [];
  for (const key of Object.keys(s)) if (!VAPI_SCHEMA_KEYS.has(key)) out.push(`${path}: key ${key}`);
  if (typeof s.type !== "string" || !VAPI_TYPES.has(s.type)) out.push(`${path}: type ${String(s.type)}`);
  if (s.format !== undefined && !VAPI_FORMATS.has(s.format as string)) out.push(`${path}: format ${String(s.format)}`);
  if (s.enum !== undefined && !(s.enum as unknown[]).every((v) => typeof v === "string")) out.push(`${path}: enum of non-strings`);
  for (const [k, v] of Object.entries((s.properties as object) ?? {})) out.push(...violations(v, `${path}.${k}`));
  if (s.items !== undefined) out.push(...violations(s.items, `${path}[]`));
  return out;
}

describe("Vapi's SDK and schema subset", () => {
  test("every served tool's parameters stay inside Vapi's JSON-schema subset, with a type on every property", () => {
    expect(updatable.function?.name).toBe("check_availability");
    expect(exported.map((t) => t.function?.name)).toEqual(served.map((t) => t.function.name));
    for (const tool of served) {
      expect({ tool: tool.function.name, problems: violations(tool.function.parameters, tool.function.name) }).toEqual({
        tool: tool.function.name,
        problems: [],
      });
    }
  });

  test("constraints the subset cannot carry move into the description; enums of constants become enum", () => {
    const byName = Object.fromEntries(served.map((t) => [t.function.name, t.function.parameters]));
    expect(byName.process_payment!.properties.method).toEqual({ type: "string", enum: ["card", "cash", "check", "other"] });
    expect(byName.process_payment!.properties.amount!.description).toContain("More than 0, at most 100000.");
    expect(byName.check_availability!.properties.limit).toMatchObject({ type: "integer" });
    expect(byName.check_availability!.properties.limit!.description).toContain("Default: 5.");
    expect(byName.book_appointment!.properties.patientId!.description).toContain("At most 128 characters.");
  });

  test("the conversion handles nested objects, arrays, nullable unions, numeric constants and unknown formats", () => {
    const schema = {
      type: "object",
      properties: {
        tags: { type: "array", items: { type: "string", maxLength: 5 }, maxItems: 3 },
        when: { anyOf: [{ type: "null" }, { type: "string", format: "date-time" }] },
        size: { anyOf: [{ const: 1 }, { const: 2 }] },
        odd: { type: "string", format: "phone" },
        nested: { type: "object", properties: { x: { type: "boolean", default: false } }, required: ["x"] },
      },
      required: ["tags"],
    };
    const converted = toVapiSchema(schema);
    expect(violations(converted, "root")).toEqual([]);
    expect(converted.properties!.tags).toEqual({
      type: "array",
      description: "At most 3 items.",
      items: { type: "string", description: "At most 5 characters." },
    });
    expect(converted.properties!.when).toEqual({ type: "string", format: "date-time" });
    expect(converted.properties!.size).toEqual({ type: "integer", description: "One of 1, 2." });
    expect(converted.properties!.odd).toEqual({ type: "string", description: "Format: phone." });
    expect(converted.properties!.nested).toEqual({ type: "object", properties: { x: { type: "boolean", description: "Default: false." } }, required: ["x"] });
  });
});
