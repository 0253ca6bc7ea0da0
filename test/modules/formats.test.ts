import { describe, expect, test } from "bun:test";
import { FormatRegistry } from "@sinclair/typebox";
import { createApp } from "../../src/app";
import { operations } from "../../src/operations";

void createApp; // the whole app is loaded, the OpenAPI plugin included, as the service loads it

const check = (format: string) => (value: string) => (FormatRegistry.Get(format) as (v: string) => boolean)(value);

/** Every `format` named anywhere in a schema. */
function formatsIn(schema: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(schema)) for (const s of schema) formatsIn(s, found);
  else if (schema && typeof schema === "object") {
    for (const [key, value] of Object.entries(schema)) {
      if (key === "format" && typeof value === "string") found.add(value);
      else formatsIn(value, found);
    }
  }
  return found;
}

describe("string formats are checked by plain patterns, not the OpenAPI plugin's per-call schemas", () => {
  test("every format the operations' schemas use is checked by the gateway's own function", () => {
    // The gateway's checks are plain pattern tests; Elysia's own for numbers sent as text are left alone.
    const own = new Map<string, RegExp>([
      ["date", /CALENDAR_DATE\.test/],
      ["email", /EMAIL\.test/],
      ["integer", /Number\.isInteger/],
      ["numeric", /isNaN/],
    ]);
    const used = new Set<string>();
    for (const operation of Object.values(operations)) formatsIn([operation.input, operation.output], used);
    expect(used.size).toBeGreaterThan(0);
    for (const format of used) {
      expect(own.has(format)).toBe(true);
      expect(String(FormatRegistry.Get(format))).toMatch(own.get(format) as RegExp);
    }
  });

  test("date: a day that exists, as YYYY-MM-DD", () => {
    for (const ok of ["2024-02-29", "2000-02-29", "1985-04-12", "2026-12-31", "0004-02-29"]) expect(check("date")(ok)).toBe(true);
    for (const bad of ["2023-02-29", "1900-02-29", "2026-04-31", "2026-13-01", "2026-1-01", "2026-01-01T00:00:00Z", "", "20260101", " 2026-01-01"]) {
      expect(check("date")(bad)).toBe(false);
    }
  });

  test("email: a plain address", () => {
    for (const ok of ["jane.doe@example.com", "a+b@mail.example.org", "o'brien@example.ie"]) expect(check("email")(ok)).toBe(true);
    for (const bad of [
      "jane",
      "jane@",
      "@example.com",
      ".jane@example.com",
      "jane..doe@example.com",
      "jane@example",
      "jane@-example.com",
      "jane doe@example.com",
    ]) {
      expect(check("email")(bad)).toBe(false);
    }
  });
});
