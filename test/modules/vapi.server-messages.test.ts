import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createSandboxClinic, makeTestApp, type TestApp } from "../helpers/app";
import { json } from "../helpers/request";
import { splitResult, webhook } from "../helpers/vapi";

let t: TestApp;
let clinicId: string;
let otherId: string;
beforeAll(async () => {
  t = await makeTestApp();
  clinicId = (
    await createSandboxClinic(t.deps, {
      vapiPhoneNumberIds: ["pn-main"],
      vapiPhoneNumbers: ["+12025550100"],
      vapiAssistantIds: ["asst-main", "asst-spare"],
      frontDeskNumber: "+12025550199",
    })
  ).id;
  otherId = (await createSandboxClinic(t.deps, { name: "Other", vapiPhoneNumbers: ["+12025550111"] })).id;
});
afterAll(() => t.close());

const send = async (message: Record<string, unknown>) => {
  const res = await t.handle(webhook({ message }));
  expect(res.status).toBe(200);
  return json(res);
};

describe("assistant-request", () => {
  test("answers with the clinic's assistant for a number registered by id or by E.164 number", async () => {
    expect(await send({ type: "assistant-request", phoneNumber: { id: "pn-main" }, call: { id: "c-a1" } })).toEqual({ assistantId: "asst-main" });
    expect(await send({ type: "assistant-request", phoneNumber: { number: "+1 (202) 555-0100" }, call: { id: "c-a2" } })).toEqual({
      assistantId: "asst-main",
    });
  });

  test("an unknown number, or a clinic with no assistant, gets a clear error instead of an empty answer", async () => {
    const unknown = await send({ type: "assistant-request", phoneNumber: { number: "+12025550999" }, call: { id: "c-a3" } });
    expect(unknown.error).toContain("not connected");
    const noAssistant = await send({ type: "assistant-request", phoneNumber: { number: "+12025550111" }, call: { id: "c-a4" } });
    expect(noAssistant.error).toContain("no assistant");
  });
});

describe("transfer-destination-request", () => {
  test("answers with the clinic's front-desk number and a short message", async () => {
    const answer = await send({ type: "transfer-destination-request", call: { id: "c-t1", phoneNumberId: "pn-main" } });
    expect(answer).toEqual({ destination: { type: "number", number: "+12025550199" }, message: expect.stringContaining("front desk") });
  });

  test("a clinic without a front-desk number gets an error the assistant can act on", async () => {
    const answer = await send({ type: "transfer-destination-request", phoneNumber: { number: "+12025550111" }, call: { id: "c-t2" } });
    expect(answer.error).toContain("front-desk number");
  });
});

describe("clinic resolution from the message", () => {
  const toolCall = (extra: Record<string, unknown>) => ({
    type: "tool-calls",
    toolCallList: [{ id: "r1", type: "function", function: { name: "check_availability", arguments: { date: "2026-12-02" } } }],
    ...extra,
  });

  test("message.assistant.metadata.accountId names the clinic", async () => {
    const answer = await send(toolCall({ assistant: { metadata: { accountId: clinicId } }, call: { id: "c-r1" } }));
    expect(answer.results[0].result).toBeDefined();
    const audit = await t.deps.audit.list({ accountId: clinicId, limit: 100 });
    expect(audit.some((row: { toolCallId: string | null }) => row.toolCallId === "r1")).toBe(true);
  });

  test("a phone number given only by its number resolves; disagreeing with the metadata is ACCOUNT_MISMATCH", async () => {
    const byNumber = await send(toolCall({ phoneNumber: { number: "+12025550111" }, call: { id: "c-r2" } }));
    expect(byNumber.results[0].result).toBeDefined();
    const mismatch = await send(toolCall({ phoneNumber: { number: "+12025550111" }, assistant: { metadata: { accountId: clinicId } }, call: { id: "c-r3" } }));
    expect(mismatch.results[0].error).toContain("ACCOUNT_MISMATCH");
    expect(otherId).not.toBe(clinicId);
  });
});

describe("summaries read naturally when optional values are missing", () => {
  test("a booking without a type says 'the appointment', never 'the general'", async () => {
    const verify = await send({
      type: "tool-calls",
      call: { id: "c-s1", phoneNumberId: "pn-main" },
      toolCallList: [
        { id: "s1", type: "function", function: { name: "search_patients", arguments: { firstName: "Jane", lastName: "Doe", dateOfBirth: "1985-04-12" } } },
      ],
    });
    const patientId = splitResult(verify.results[0].result).data.patients[0].id;
    const slots = await send({
      type: "tool-calls",
      call: { id: "c-s1", phoneNumberId: "pn-main" },
      toolCallList: [{ id: "s2", type: "function", function: { name: "check_availability", arguments: { date: "2026-12-02" } } }],
    });
    const start = splitResult(slots.results[0].result).data.slots[0].start;
    const booked = await send({
      type: "tool-calls",
      call: { id: "c-s1", phoneNumberId: "pn-main" },
      toolCallList: [{ id: "s3", type: "function", function: { name: "book_appointment", arguments: { patientId, start } } }],
    });
    const sentence = splitResult(booked.results[0].result).sentence;
    expect(sentence).toStartWith("The appointment is booked for");
    expect(sentence).not.toContain("general");
  });
});
