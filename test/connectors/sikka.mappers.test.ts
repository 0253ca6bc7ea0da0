import { describe, expect, test } from "bun:test";
import { readList } from "../../src/connectors/sikka/http";
import { isCancelled, toAppointment, toInsurancePlan, toPatient } from "../../src/connectors/sikka/mappers";
import { pickPaymentType } from "../../src/connectors/sikka/payments";
import { expiryOf } from "../../src/connectors/sikka/request-keys";
import { bool, num, sanitizeText } from "../../src/connectors/sikka/values";
import { writebackIdOf } from "../../src/connectors/sikka/writebacks";

describe("Sikka's all-string values", () => {
  test("booleans, numbers and dates come back typed", () => {
    expect([bool({ a: "True" }, "a"), bool({ a: "F" }, "a"), bool({ a: "false" }, "a"), bool({}, "a"), bool({ a: "T" }, "a")]).toEqual([
      true,
      false,
      false,
      false,
      true,
    ]);
    expect([num({ a: "85.50" }, "a"), num({ a: "$1,200.00" }, "a"), num({ a: "" }, "a"), num({ a: "n/a" }, "a")]).toEqual([85.5, 1200, null, null]);
  });

  test("a patient row maps to the minimum-necessary Patient, phones in E.164", () => {
    expect(
      toPatient({
        patient_id: "799601",
        firstname: "Carlene",
        lastname: "Victoria",
        birthdate: "1984-12-10T00:00:00",
        cell: "",
        homephone: "(415) 555-0199",
        email: "",
        middlename: "X",
        patient_note: "secret",
      }),
    ).toEqual({
      id: "799601",
      firstName: "Carlene",
      lastName: "Victoria",
      dateOfBirth: "1984-12-10",
      phone: "+14155550199",
      email: null,
    });
  });

  test("appointment date + time are read in the practice's zone, across a DST change", () => {
    const row = {
      appointment_sr_no: "70670",
      patient_id: "5383",
      provider_id: "DMD2",
      date: "2026-11-01T00:00:00",
      time: "10:30",
      length: "60",
      operatory: "OP1",
      status: "Scheduled",
    };
    expect(toAppointment(row, "America/New_York")).toMatchObject({
      id: "70670",
      start: "2026-11-01T10:30:00-05:00",
      end: "2026-11-01T11:30:00-05:00",
      durationMinutes: 60,
      status: "scheduled",
    });
    expect(toAppointment({ ...row, date: "2026-10-31T00:00:00" }, "America/New_York")!.start).toBe("2026-10-31T10:30:00-04:00");
    expect(toAppointment({ ...row, time: "" }, "America/New_York")).toBeNull();
    expect([isCancelled({ status: "Broken" }), isCancelled({ cancelled: "True" }), isCancelled({ status: "Confirmed" })]).toEqual([true, true, false]);
  });

  test("insurance keeps the carrier and the last four of the member id only", () => {
    expect(
      toInsurancePlan(
        { subscriber_id: "MEM 0099 8877 66", type: "Dental Secondary", patient_relation: "Child" },
        { insurance_company_name: "Aetna", group_plan_number: "G1" },
      ),
    ).toEqual({
      carrier: "Aetna",
      memberIdLast4: "7766",
      groupNumber: "G1",
      relationship: "child",
      priority: "secondary",
    });
    expect(toInsurancePlan({ subscriber_id: "", type: "", patient_relation: "Grandparent" }, undefined)).toMatchObject({
      carrier: "Insurance on file",
      memberIdLast4: null,
      relationship: "other",
      priority: "primary",
    });
  });
});

describe("envelopes, keys and writebacks", () => {
  test("list envelopes, plain or wrapped in an array; an empty next is the last page", () => {
    expect(readList({ items: [{ a: "1" }], pagination: { next: "" } })).toEqual({ items: [{ a: "1" }], next: null, totalCount: null });
    expect(readList([{ items: [{ a: "1" }], total_count: "87", pagination: { next: "https://x/v4/p?offset=1" } }])).toEqual({
      items: [{ a: "1" }],
      totalCount: 87,
      next: "https://x/v4/p?offset=1",
    });
    expect(readList(null)).toEqual({ items: [], next: null, totalCount: null });
  });

  test("request-key lifetime from expires_in, else end_time", () => {
    const now = Date.parse("2026-12-01T00:00:00Z");
    expect(expiryOf({ expires_in: "85603 second(s)" }, now)).toBe(now + 85_603_000);
    expect(expiryOf({ end_time: "2026-12-02T00:00:00" }, now)).toBe(Date.parse("2026-12-02T00:00:00Z"));
    expect(expiryOf({}, now)).toBe(now + 23 * 3600_000);
  });

  test("writeback ids from long_message or more_information", () => {
    expect(writebackIdOf({ status: 201, body: { long_message: "Id:275495", more_information: "" } })).toBe("275495");
    expect(writebackIdOf({ status: 200, body: { long_message: "", more_information: "https://api.sikkasoft.com/v4/writeback_status?id=252550" } })).toBe(
      "252550",
    );
    expect(writebackIdOf({ status: 201, body: {} })).toBeNull();
  });

  test("text for writebacks loses special characters and respects limits", () => {
    expect(sanitizeText("Café  visit: #1 {urgent}\nplease", 200)).toBe("Cafe visit: 1 urgent please");
    expect(sanitizeText("x".repeat(100), 60)).toHaveLength(60);
  });

  test("payment types are matched by description among the patient payment types (rows carry code and description only)", () => {
    const types = [
      { code: "1", description: "Cash Payment" },
      { code: "6", description: "Check Payment' Thank You" },
    ];
    expect(pickPaymentType(types, "cash")?.code).toBe("1");
    expect(pickPaymentType(types, "check")?.code).toBe("6");
    expect(pickPaymentType(types, "card")).toBeUndefined();
  });
});
