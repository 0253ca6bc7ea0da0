import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Type } from "@sinclair/typebox";
import { practiceOf } from "../../src/accounts/service";
import { createSandboxDefinition, type SandboxConnector } from "../../src/connectors/sandbox";
import { type ConnectorDefinition, type ConnectorErrorCode, connectorError, type PmsConnector } from "../../src/connectors/types";
import { SandboxStore } from "../../src/db/sandbox/store";
import { adminToken, makeTestApp, TEST_WEBHOOK_SECRET, type TestApp } from "../helpers/app";
import { bearer, json, jsonRequest, signedRequest } from "../helpers/request";
import { CALLER_NUMBER, splitResult, toolCallsMessage, webhook } from "../helpers/vapi";

/** How the next appointment lookup fails: every way a connector can fail, plus an exception. */
let lookupFailure: ConnectorErrorCode | "throw" | null = null;

/** The sandbox PMS whose getAppointment fails on demand (the gate's lookup), everything else real. */
function flakyDefinition(store: () => SandboxStore): ConnectorDefinition<"flaky"> {
  return {
    id: "flaky",
    displayName: "Sandbox with failing lookups",
    credentialsSchema: Type.Object({}),
    create(input) {
      const real = createSandboxDefinition(store()).create(input) as SandboxConnector;
      return new Proxy(real, {
        get(target, prop, receiver) {
          if (prop === "getAppointment" && lookupFailure) {
            const failure = lookupFailure;
            return async () => {
              if (failure === "throw") throw new Error("socket hang up");
              return { ok: false, error: connectorError(failure, "lookup failed", true) };
            };
          }
          const value = Reflect.get(target, prop, receiver);
          return typeof value === "function" ? value.bind(target) : value;
        },
      }) as PmsConnector;
    },
  };
}

let t: TestApp;
let accountId: string;
beforeAll(async () => {
  // The flaky connector reads the same sandbox practice, in the app's own database.
  t = await makeTestApp({ connectors: [flakyDefinition(() => new SandboxStore(t.deps.db))] });
  const account = await t.deps.accounts.create({
    name: "Gate Dental",
    timezone: "America/New_York",
    vapiPhoneNumberIds: ["4a5a04dc-dcbe-45b1-8f64-fd32a253d136"],
  });
  accountId = account.id;
  await t.deps.integrations.configure(practiceOf(account), "sandbox", {});
});
afterAll(() => t.close());

const JANE = { firstName: "Jane", lastName: "Doe", dateOfBirth: "1985-04-12" };
const send = async (calls: Array<{ id: string; name: string; arguments: unknown }>, callId: string, callerNumber: string | null = CALLER_NUMBER) =>
  (await json(await t.handle(webhook(toolCallsMessage(calls, { callId, callerNumber }))))).results as Array<{ result?: string; error?: string }>;
const auditFor = async (toolCallId: string) =>
  (await t.database.client.execute({ sql: "select action, error_code, success from pms_audit_logs where tool_call_id = ?", args: [toolCallId] })).rows;

describe("the appointment gate fails closed (reschedule and cancel)", () => {
  test("for every way the ownership lookup can fail, nothing is changed and the refusal is audited", async () => {
    const [verified, slots] = await send(
      [
        { id: "g-v", name: "search_patients", arguments: JANE },
        { id: "g-s", name: "check_availability", arguments: { date: "2026-12-03" } },
      ],
      "gate-call",
    );
    expect(splitResult(verified!.result!).data.verified).toBe(true);
    const start = splitResult(slots!.result!).data.slots[0].start;
    const [booked] = await send([{ id: "g-b", name: "book_appointment", arguments: { patientId: "1", start } }], "gate-call");
    const appointmentId = splitResult(booked!.result!).data.appointment.id as string;
    await t.deps.integrations.configure(practiceOf((await t.deps.accounts.get(accountId))!), "flaky", {});
    const before = (await t.database.client.execute("select * from sandbox_appointments order by id")).rows;

    const failures: Array<[ConnectorErrorCode | "throw", string]> = [
      ["timeout", "PMS_UNAVAILABLE"],
      ["unavailable", "PMS_UNAVAILABLE"],
      ["upstream_error", "PMS_UNAVAILABLE"],
      ["auth_failed", "PMS_UNAVAILABLE"],
      ["throw", "PMS_UNAVAILABLE"],
      ["invalid_request", "VERIFICATION_REQUIRED"],
      ["unsupported", "VERIFICATION_REQUIRED"],
      ["appointment_not_found", "APPOINTMENT_NOT_FOUND"],
    ];
    for (const [failure, code] of failures) {
      lookupFailure = failure;
      const [moved, cancelled] = await send(
        [
          { id: `g-m-${failure}`, name: "reschedule_appointment", arguments: { appointmentId, start: "2026-12-04T10:00:00" } },
          { id: `g-c-${failure}`, name: "cancel_appointment", arguments: { appointmentId } },
        ],
        "gate-call",
      );
      expect({ failure, moved: moved!.error?.includes(code), cancelled: cancelled!.error?.includes(code) }).toEqual({ failure, moved: true, cancelled: true });
      expect(await auditFor(`g-c-${failure}`)).toEqual([{ action: "cancel_appointment", error_code: code, success: 0 } as never]);
    }
    lookupFailure = null;
    expect((await t.database.client.execute("select * from sandbox_appointments order by id")).rows).toEqual(before);
    await t.deps.integrations.configure(practiceOf((await t.deps.accounts.get(accountId))!), "sandbox", {});
  });

  test("another patient's appointment is refused even for a verified caller", async () => {
    const [, other] = await send(
      [
        { id: "o-v", name: "search_patients", arguments: JANE },
        { id: "o-c", name: "cancel_appointment", arguments: { appointmentId: "3" } },
      ],
      "other-call",
    );
    expect(other!.error).toContain("VERIFICATION_REQUIRED");
  });
});

describe("phone + date of birth uses only the number Vapi reports", () => {
  test("a DOB-only search verifies with the message's number; a web call (no number) cannot, whatever the arguments say", async () => {
    const [byPhone] = await send([{ id: "p-1", name: "search_patients", arguments: { dateOfBirth: "1985-04-12" } }], "phone-call");
    expect(splitResult(byPhone!.result!).data.verified).toBe(true);
    const [web] = await send(
      [{ id: "p-2", name: "search_patients", arguments: { dateOfBirth: "1985-04-12", phone: CALLER_NUMBER, callerNumber: CALLER_NUMBER } }],
      "web-call",
      null,
    );
    expect(web!.error).toContain("VERIFICATION_REQUIRED");
    const [stillLocked] = await send([{ id: "p-3", name: "get_patient", arguments: { patientId: "1" } }], "web-call", null);
    expect(stillLocked!.error).toContain("VERIFICATION_REQUIRED");
  });
});

describe("verification attempts", () => {
  test("after 5 failed attempts in one call, further attempts are refused, even with the right details", async () => {
    for (let i = 0; i < 5; i++) {
      const [r] = await send([{ id: `a-${i}`, name: "search_patients", arguments: { ...JANE, dateOfBirth: `1985-05-${10 + i}` } }], "guessing-call");
      expect(splitResult(r!.result!).data).toEqual({ verified: false, patients: [] });
    }
    const [right] = await send([{ id: "a-right", name: "search_patients", arguments: JANE }], "guessing-call");
    expect(right!.error).toContain("Too many verification attempts");
    const [elsewhere] = await send([{ id: "a-other", name: "search_patients", arguments: JANE }], "fresh-call");
    expect(splitResult(elsewhere!.result!).data.verified).toBe(true);
  });
});

describe("phone payments", () => {
  const pay = (id: string, args: Record<string, unknown>) => ({ id, name: "process_payment", arguments: { patientId: "1", ...args } });
  test("off unless the clinic enables them; then card needs a token and no more than the balance due", async () => {
    const [v, off] = await send([{ id: "pp-v", name: "search_patients", arguments: JANE }, pay("pp-1", { amount: 5, method: "cash" })], "pay-call");
    expect(splitResult(v!.result!).data.verified).toBe(true);
    expect(off!.error).toContain("UNSUPPORTED_BY_PMS");
    await t.deps.accounts.update(accountId, { phonePayments: true });
    const [noToken] = await send([pay("pp-2", { amount: 5, method: "card" })], "pay-call");
    expect(noToken!.error).toContain("paymentToken");
    const balance = splitResult((await send([{ id: "pp-b", name: "get_patient_balance", arguments: { patientId: "1" } }], "pay-call"))[0]!.result!).data
      .balance;
    const [tooMuch] = await send([pay("pp-3", { amount: balance.patientPortion + 1, method: "cash" })], "pay-call");
    expect(tooMuch!.error).toContain("more than the balance due");
    const [ok] = await send([pay("pp-4", { amount: Math.min(1, balance.patientPortion), method: "card", paymentToken: "tok_1" })], "pay-call");
    expect(ok!.result).toContain("payment");
    await t.deps.accounts.update(accountId, { allowPrepayment: true });
    const [prepay] = await send([pay("pp-5", { amount: balance.patientPortion + 50, method: "cash" })], "pay-call");
    expect(prepay!.result).toContain("payment");
    // Staff on REST are not limited by the phone settings.
    await t.deps.accounts.update(accountId, { phonePayments: false });
    const staff = await t.handle(
      jsonRequest("/api/pms/payments", {
        body: { patientId: "1", amount: 999, method: "card" },
        headers: { ...bearer(await adminToken()), "x-account-id": accountId },
      }),
    );
    expect(staff.status).toBe(201);
  });
});

describe("every tool call leaves one audit row", () => {
  test("unknown tools, over-limit calls and calls for an unknown clinic are audited", async () => {
    const [unknown] = await send([{ id: "u-1", name: "delete_everything", arguments: {} }], "audit-call");
    expect(unknown!.error).toContain("UNKNOWN_TOOL");
    expect(await auditFor("u-1")).toEqual([{ action: "unknown_tool", error_code: "UNKNOWN_TOOL", success: 0 } as never]);
    const many = Array.from({ length: 22 }, (_, i) => ({ id: `m-${i}`, name: "check_availability", arguments: { date: "2026-12-03" } }));
    await send(many, "audit-call");
    expect((await auditFor("m-21"))[0]).toMatchObject({ action: "check_availability", error_code: "VALIDATION" });
    const orphan = await json(
      await t.handle(
        webhook({ message: { type: "tool-calls", call: { id: "orphan" }, toolCallList: [{ id: "o-1", function: { name: "get_patient", arguments: {} } }] } }),
      ),
    );
    expect(orphan.results[0].error).toContain("ACCOUNT_REQUIRED");
    expect(await auditFor("o-1")).toEqual([{ action: "get_patient", error_code: "ACCOUNT_REQUIRED", success: 0 } as never]);
  });
});

describe("REST with a Vapi credential is gated like a tool call", () => {
  const vapi = { "x-vapi-secret": TEST_WEBHOOK_SECRET };
  test("patient data needs a verified call; the call is named by envelope, header or query; clinics can switch it off", async () => {
    const noCall = await t.handle(jsonRequest(`/api/pms/patients/1/balance?accountId=${accountId}`, { headers: vapi }));
    expect((await json(noCall)).error.code).toBe("VERIFICATION_REQUIRED");
    const verify = await t.handle(signedRequest("/api/pms/patients/search", { body: { call: { id: "rest-call", metadata: { accountId } }, data: JANE } }));
    expect((await json(verify)).data.verified).toBe(true);
    const byHeader = await t.handle(jsonRequest(`/api/pms/patients/1/balance?accountId=${accountId}`, { headers: { ...vapi, "x-vapi-call-id": "rest-call" } }));
    expect(byHeader.status).toBe(200);
    const byQuery = await t.handle(jsonRequest(`/api/pms/patients/1/insurance?accountId=${accountId}&callId=rest-call`, { headers: vapi }));
    expect(byQuery.status).toBe(200);
    const otherPatient = await t.handle(jsonRequest(`/api/pms/patients/3?accountId=${accountId}&callId=rest-call`, { headers: vapi }));
    expect((await json(otherPatient)).error.code).toBe("VERIFICATION_REQUIRED");
    const patched = await t.handle(
      jsonRequest(`/api/admin/accounts/${accountId}`, { method: "PATCH", body: { restCallerGate: false }, headers: bearer(await adminToken()) }),
    );
    expect((await json(patched)).account.restCallerGate).toBe(false);
    const ungated = await t.handle(jsonRequest(`/api/pms/patients/3?accountId=${accountId}`, { headers: vapi }));
    expect(ungated.status).toBe(200);
    const recorded = (
      await t.database.client.execute({
        sql: "select action, actor from pms_audit_logs where account_id = ? and action like 'rest_caller_gate_%'",
        args: [accountId],
      })
    ).rows;
    expect(recorded).toEqual([{ action: "rest_caller_gate_off", actor: "admin" } as never]);
  });
});
