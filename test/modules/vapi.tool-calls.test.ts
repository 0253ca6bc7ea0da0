import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { createSandboxClinic, makeTestApp, type TestApp } from "../helpers/app";
import { json, jsonRequest } from "../helpers/request";
import { CLINIC_PHONE_NUMBER_ID, fixture, splitResult, toolCallsMessage, webhook } from "../helpers/vapi";

let t: TestApp;
let accountId: string;
beforeEach(async () => {
  t = await makeTestApp();
  accountId = (await createSandboxClinic(t.deps, { vapiPhoneNumberIds: [CLINIC_PHONE_NUMBER_ID] })).id;
});
afterEach(() => t.close());

const send = async (body: unknown) => {
  const res = await t.handle(webhook(body));
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toContain("application/json");
  return json(res);
};
const verifyJane = { id: "tc-verify", name: "search_patients", arguments: { firstName: "Jane", lastName: "Doe", dateOfBirth: "1985-04-12" } };

describe("POST /api/vapi/webhook — tool-calls", () => {
  test("the recorded-shape tool-calls payload: results array, same id and name, single-line string", async () => {
    const body = await send(fixture("tool-calls"));
    expect(body.results).toHaveLength(1);
    const [r] = body.results;
    expect(r.toolCallId).toBe("call_fzEwCjWnJsuwoeGQGbITcnpw");
    expect(r.name).toBe("check_availability");
    expect(typeof r.result).toBe("string");
    expect(r.result).not.toMatch(/[\r\n]/);
    const { sentence, data } = splitResult(r.result);
    expect(sentence).toMatch(/^I found 3 openings on Wednesday, December 2/);
    expect(data.slots).toHaveLength(3);
  });

  test("three calls in one message with mixed argument forms come back in order, correlated by id", async () => {
    const body = await send(
      toolCallsMessage([
        { id: "tc-a", name: "check_availability", arguments: JSON.stringify({ date: "2026-12-02", limit: 1 }) },
        verifyJane,
        { id: "tc-c", name: "get_patient_balance", arguments: { patientId: "1" } },
      ]),
    );
    expect(body.results.map((r: any) => [r.toolCallId, r.name, "result" in r])).toEqual([
      ["tc-a", "check_availability", true],
      ["tc-verify", "search_patients", true],
      ["tc-c", "get_patient_balance", true],
    ]);
    expect(splitResult(body.results[2].result).data.balance.patientPortion).toBe(120);
  });

  test("a malformed call fails alone; an unknown tool names the known tools", async () => {
    const body = await send(
      toolCallsMessage([
        { id: "bad-json", name: "check_availability", arguments: "{not json" },
        { id: "unknown", name: "order_pizza", arguments: {} },
        { id: "invalid", name: "book_appointment", arguments: { start: "tomorrow" } },
        { id: "fine", name: "check_availability", arguments: { date: "2026-12-02", limit: 1 } },
      ]),
    );
    const [badJson, unknown, invalid, fine] = body.results;
    expect(badJson.error).toContain('"code":"VALIDATION"');
    expect(unknown.error).toContain("check_availability, book_appointment");
    expect(invalid.error).toContain("patientId");
    expect(fine.result).toContain("opening");
    for (const r of body.results) expect(r.result ?? r.error).not.toMatch(/[\r\n]/);
  });

  test("the legacy toolCalls alias with string arguments, the doc shape, and the legacy function-call message", async () => {
    const legacy = await send(fixture("tool-calls-legacy"));
    expect(legacy.results[0].toolCallId).toBe("toolu_legacy_1");
    expect(splitResult(legacy.results[0].result).data.slots).toHaveLength(2);
    const doc = await send(fixture("tool-calls-doc-shape"));
    expect(doc.results[0]).toMatchObject({ toolCallId: "toolu_doc_1", name: "check_availability" });
    expect(splitResult(doc.results[0].result).data.slots).toHaveLength(1);
    const fn = await send(fixture("function-call"));
    expect(typeof fn.result).toBe("string");
    expect(fn.result).toContain("opening");
  });

  test("the whole booking conversation: verify, find a slot, book, and the booking is audited per tool call", async () => {
    const callId = "conversation-1";
    const verify = await send(toolCallsMessage([verifyJane], { callId }));
    expect(splitResult(verify.results[0].result).data).toMatchObject({ verified: true, patients: [{ id: "1" }] });
    const slots = splitResult(
      (
        await send(
          toolCallsMessage([{ id: "tc-slots", name: "check_availability", arguments: { date: "2026-12-03", appointmentType: "cleaning" } }], { callId }),
        )
      ).results[0].result,
    ).data.slots;
    const booked = await send(
      toolCallsMessage(
        [
          {
            id: "tc-book",
            name: "book_appointment",
            arguments: { patientId: "1", start: slots[0].start, appointmentType: "cleaning", providerId: slots[0].providerId },
          },
        ],
        { callId },
      ),
    );
    const { sentence, data } = splitResult(booked.results[0].result);
    expect(sentence).toContain("is booked for Thursday, December 3");
    expect(data.appointment).toMatchObject({ patientId: "1", confirmation: "confirmed", status: "scheduled" });
    const audit = await t.database.client.execute({
      sql: "select action, tool_call_id, call_id, actor from pms_audit_logs where call_id = ? order by id",
      args: [callId],
    });
    expect(audit.rows.map((r) => [r.action, r.tool_call_id, r.actor])).toEqual([
      ["search_patients", "tc-verify", "vapi"],
      ["check_availability", "tc-slots", "vapi"],
      ["book_appointment", "tc-book", "vapi"],
    ]);
  });

  test("account problems come back per call with HTTP 200; bad credentials are 401", async () => {
    const noAccount = await send({
      message: { type: "tool-calls", toolCallList: [{ id: "x", function: { name: "check_availability", arguments: {} } }], call: { id: "c" } },
    });
    expect(noAccount.results[0].error).toContain("ACCOUNT_REQUIRED");
    const res = await t.handle(jsonRequest("/api/vapi/webhook", { body: fixture("tool-calls"), headers: { "x-vapi-secret": "nope" } }));
    expect(res.status).toBe(401);
  });
});

describe("idempotent writes per tool-call id", () => {
  const bookCall = (id: string, start = "2026-12-09T10:00:00") =>
    toolCallsMessage([verifyJane, { id, name: "book_appointment", arguments: { patientId: "1", start, providerId: "1", appointmentType: "exam" } }], {
      callId: "idem-call",
    });

  test("a redelivered tool call returns the first result and books once", async () => {
    const first = await send(bookCall("tc-book-1"));
    const again = await send(bookCall("tc-book-1"));
    expect(again.results[1].result).toBe(first.results[1].result);
    const rows = await t.database.client.execute("select count(*) as n from sandbox_appointments where start_utc = '2026-12-09T15:00:00.000Z'");
    expect(Number(rows.rows[0]!.n)).toBe(1);
  });

  test("the same tool-call id with other arguments is IDEMPOTENCY_KEY_REUSED", async () => {
    await send(bookCall("tc-book-2"));
    const reused = await send(bookCall("tc-book-2", "2026-12-09T11:00:00"));
    expect(reused.results[1].error).toContain("IDEMPOTENCY_KEY_REUSED");
  });

  test("the model re-asking the same booking or payment under a new tool-call id writes once (T16)", async () => {
    await t.deps.accounts.update(accountId, { phonePayments: true, allowPrepayment: true });
    const callId = "reask-call";
    const book = (id: string) => ({ id, name: "book_appointment", arguments: { patientId: "1", start: "2026-12-09T13:00:00", appointmentType: "exam" } });
    const pay = (id: string) => ({ id, name: "process_payment", arguments: { patientId: "1", amount: 25, method: "cash" } });
    const first = await send(toolCallsMessage([verifyJane, book("tc-a"), pay("tc-p1")], { callId }));
    const again = await send(toolCallsMessage([book("tc-b"), pay("tc-p2")], { callId }));
    expect(again.results[0].result).toBe(first.results[1].result);
    expect(again.results[1].result).toBe(first.results[2].result);
    const appts = await t.database.client.execute(
      "select count(*) as n from sandbox_appointments where start_utc = '2026-12-09T18:00:00.000Z' and type = 'exam'",
    );
    expect(Number(appts.rows[0]!.n)).toBe(1);
    const payments = await t.database.client.execute("select count(*) as n from sandbox_payments");
    expect(Number(payments.rows[0]!.n)).toBe(1);
    // in another call the same words are a new request (not a replay): here the slot is taken by now
    const other = await send(toolCallsMessage([verifyJane, book("tc-c")], { callId: "another-call" }));
    expect(other.results[1].error).toContain("SLOT_UNAVAILABLE");
    const keys = await t.database.client.execute("select key from idempotency_keys");
    expect(JSON.stringify(keys.rows)).not.toMatch(/Jane|cash|2026-12-09/);
  });

  test("concurrent duplicate deliveries produce one appointment", async () => {
    t.close();
    t = await makeTestApp({ fileDatabase: true });
    await createSandboxClinic(t.deps, { vapiPhoneNumberIds: [CLINIC_PHONE_NUMBER_ID] });
    await send(toolCallsMessage([verifyJane], { callId: "idem-call" }));
    const bodies = await Promise.all(Array.from({ length: 5 }, () => t.handle(webhook(bookCall("tc-book-3"))).then(json)));
    const results = bodies.map((b) => b.results[1].result);
    expect(results.every((r) => typeof r === "string" && r === results[0])).toBe(true);
    const rows = await t.database.client.execute("select count(*) as n from sandbox_appointments where start_utc = '2026-12-09T15:00:00.000Z'");
    expect(Number(rows.rows[0]!.n)).toBe(1);
  });
});

describe("other server messages", () => {
  test("status-update and unknown types answer {} quickly; assistant-request is answered, never {}", async () => {
    expect(await send(fixture("status-update"))).toEqual({});
    // This clinic registered its number but no assistant: Vapi gets an error it can log, not silence.
    expect(await send(fixture("assistant-request"))).toEqual({ error: "The clinic has no assistant registered for this number." });
    expect(await send({ message: { type: "speech-update", status: "started" } })).toEqual({});
  });

  test("end-of-call-report is stored once per call id, with the patients touched and no transcript", async () => {
    await send(
      toolCallsMessage([verifyJane, { id: "tc-bal", name: "get_patient_balance", arguments: { patientId: "1" } }], {
        callId: "6b38c32e-6d5c-4d10-bce5-951581ddcd77",
      }),
    );
    expect(await send(fixture("end-of-call-report"))).toEqual({});
    expect(await send(fixture("end-of-call-report"))).toEqual({});
    await send(fixture("end-of-call-report-2024"));
    const rows = (await t.database.client.execute("select * from call_reports order by id")).rows;
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({
      account_id: accountId,
      call_id: "6b38c32e-6d5c-4d10-bce5-951581ddcd77",
      ended_reason: "customer-ended-call",
      duration_seconds: 270,
      patient_ids: '["1"]',
    });
    expect(rows[1]).toMatchObject({ call_id: "legacy-eocr-1", summary: "Short call; no action taken.", duration_seconds: 42 });
    expect(JSON.stringify(rows)).not.toContain("I'd like to book");
    expect(JSON.stringify(rows)).not.toContain("recording");
  });

  test("with the opt-in setting, the summary becomes a PMS note on the verified patient", async () => {
    await t.deps.accounts.update(accountId, { callSummaryNotes: true });
    await send(toolCallsMessage([verifyJane], { callId: "6b38c32e-6d5c-4d10-bce5-951581ddcd77" }));
    await send(fixture("end-of-call-report"));
    await send(fixture("end-of-call-report"));
    const notes = (await t.database.client.execute("select patient_id, type, text from sandbox_notes")).rows;
    expect(notes).toEqual([{ patient_id: 1, type: "call_summary", text: "Call summary: Caller booked a cleaning for next Wednesday morning." } as any]);
    // no verified patient, no note
    await send({ message: { ...fixture("end-of-call-report").message, call: { id: "unverified-call", phoneNumberId: CLINIC_PHONE_NUMBER_ID } } });
    expect((await t.database.client.execute("select count(*) as n from sandbox_notes")).rows[0]!.n).toBe(1);
  });
});
