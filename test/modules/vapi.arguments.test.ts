import { describe, expect, test } from "bun:test";
import type { TObject } from "@sinclair/typebox";
import { TypeCompiler } from "@sinclair/typebox/compiler";
import fc from "fast-check";
import { numbersAsSent, prepareArguments, preparedByValuePasses } from "../../src/modules/vapi/arguments";
import { operations } from "../../src/operations";

/**
 * Flat, well-typed tool arguments skip TypeBox's value passes. Whatever a model sends, the arguments
 * (or the refusal) must be exactly what those passes give.
 */
/**
 * Keys named like an `Object.prototype` member ("valueOf") are left out: TypeBox's clean pass keeps them
 * (it asks `key in properties`), the flat path drops them as unknown, and no operation reads them.
 */
const values = (keys: string[]) =>
  fc.dictionary(
    fc.oneof(
      fc.constantFrom(...keys),
      fc.string({ maxLength: 12 }).filter((key) => !(key in Object.prototype)),
    ),
    fc.oneof(
      fc.string({ maxLength: 20 }),
      fc.constantFrom(
        "2027-03-02",
        "2027-03-02T09:00:00",
        "2027-03-02T09:00:00-05:00",
        "1985-04-12",
        "morning",
        "afternoon",
        "exam",
        "cleaning",
        "1",
        "7001",
        "5",
        "true",
        "",
      ),
      fc.integer({ min: -5, max: 500 }),
      fc.double({ noNaN: false }),
      fc.boolean(),
      fc.constant(null),
      fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
      fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
    ),
    { maxKeys: 10 },
  );

describe("tool arguments: the flat path gives what TypeBox's value passes give", () => {
  for (const [name, operation] of Object.entries(operations)) {
    const schema = operation.input as TObject;
    const checker = TypeCompiler.Compile(schema);
    test(name, () => {
      fc.assert(
        fc.property(values(Object.keys(schema.properties)), (raw) => {
          const reference = numbersAsSent(schema, raw, preparedByValuePasses(schema, checker, structuredClone(raw)));
          expect(prepareArguments(schema, raw)).toEqual(reference);
        }),
        { numRuns: 1000 },
      );
    });
  }

  test("a flat call with a default left out gets the default; unknown keys are dropped", () => {
    const prepared = prepareArguments(operations.check_availability.input as TObject, { date: "2027-03-02", accountId: "static", extra: 1 });
    expect(prepared).toEqual({ ok: true, args: { date: "2027-03-02", limit: 5 } });
  });

  test("a value of the wrong type still goes through the value passes (text to a number, a number to text)", () => {
    const book = operations.book_appointment.input as TObject;
    const raw = { patientId: 1, start: "2027-03-02T09:00:00", durationMinutes: "15" };
    expect(prepareArguments(book, raw)).toEqual(numbersAsSent(book, raw, preparedByValuePasses(book, TypeCompiler.Compile(book), { ...raw })));
    expect(prepareArguments(book, raw)).toEqual({ ok: true, args: { patientId: "1", start: "2027-03-02T09:00:00", durationMinutes: 15 } });
  });
});

describe("numbers sent as text reach the operation as numbers, within their bounds", () => {
  const availability = operations.check_availability.input as TObject;
  test("a count or a duration written as text is the number", () => {
    expect(prepareArguments(availability, { date: "2027-03-02", limit: "3", durationMinutes: "30" })).toEqual({
      ok: true,
      args: { date: "2027-03-02", limit: 3, durationMinutes: 30 },
    });
  });
  test("a number outside its bounds or a fraction for a count, as text or not, is refused by field (as the REST route does)", () => {
    for (const limit of ["25", "0", 25, "3.5", 3.5, "three"]) {
      const prepared = prepareArguments(availability, { date: "2027-03-02", limit });
      expect(prepared.ok).toBe(false);
      if (!prepared.ok) expect(prepared.message).toStartWith("limit");
    }
  });
  test("property: every numeric argument prepared is a number (1,000 runs per operation)", () => {
    for (const operation of Object.values(operations)) {
      const schema = operation.input as TObject;
      const numeric = Object.entries(schema.properties)
        .filter(([, s]) => JSON.stringify(s).includes('"type":"integer"') || JSON.stringify(s).includes('"type":"number"'))
        .map(([key]) => key);
      fc.assert(
        fc.property(values(Object.keys(schema.properties)), (raw) => {
          const prepared = prepareArguments(schema, raw);
          if (prepared.ok) for (const key of numeric) if (key in prepared.args) expect(typeof prepared.args[key]).toBe("number");
        }),
        { numRuns: 1000 },
      );
    }
  });
});
