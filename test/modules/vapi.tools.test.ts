import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { buildPmsTools, PMS_SYSTEM_PROMPT_ADDITION, PMS_TOOLS } from "../../src/modules/vapi/tools/definitions";
import { operations } from "../../src/operations";
import { makeTestApp, TEST_WEBHOOK_SECRET, type TestApp } from "../helpers/app";
import { json, jsonRequest, signedRequest } from "../helpers/request";

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp({ env: { PUBLIC_URL: "https://gateway.example.com" } });
});
afterAll(() => t.close());

describe("tool definitions", () => {
  test("GET /api/vapi/tools serves the eleven tools with server.url from PUBLIC_URL (any valid credential, no account)", async () => {
    const res = await t.handle(jsonRequest("/api/vapi/tools", { headers: { "x-vapi-secret": TEST_WEBHOOK_SECRET } }));
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.tools.map((tool: any) => tool.function.name)).toEqual(Object.keys(operations));
    for (const tool of body.tools) {
      expect(tool.type).toBe("function");
      expect(tool.server.url).toBe("https://gateway.example.com/api/vapi/webhook");
      expect(tool.function.name).toMatch(/^[a-zA-Z0-9_-]{1,64}$/);
      expect(tool.function.parameters.type).toBe("object");
      expect(tool.messages.map((m: any) => m.type)).toEqual(["request-start", "request-response-delayed", "request-failed"]);
      // The caller's number and the call id come only from Vapi's message, never from tool parameters.
      expect(tool.parameters).toBeUndefined();
    }
    expect(body.systemPromptAddition).toBe(PMS_SYSTEM_PROMPT_ADDITION);
    expect((await t.handle(signedRequest("/api/vapi/tools"))).status).toBe(200);
    expect((await t.handle(jsonRequest("/api/vapi/tools"))).status).toBe(401);
  });

  test("PMS_TOOLS stays in sync with the route schemas: same properties, same required fields", async () => {
    const doc = await json(await t.handle(jsonRequest("/docs/json")));
    const routes: Record<string, { method: string; path: string; pathParam?: string }> = {
      check_availability: { method: "get", path: "/api/pms/appointments/availability" },
      book_appointment: { method: "post", path: "/api/pms/appointments" },
      reschedule_appointment: { method: "patch", path: "/api/pms/appointments" },
      cancel_appointment: { method: "delete", path: "/api/pms/appointments" },
      search_patients: { method: "post", path: "/api/pms/patients/search" },
      get_patient: { method: "get", path: "/api/pms/patients/{id}", pathParam: "patientId" },
      create_patient: { method: "post", path: "/api/pms/patients" },
      add_patient_note: { method: "post", path: "/api/pms/patients/{id}/notes", pathParam: "patientId" },
      get_patient_balance: { method: "get", path: "/api/pms/patients/{id}/balance", pathParam: "patientId" },
      get_patient_insurance: { method: "get", path: "/api/pms/patients/{id}/insurance", pathParam: "patientId" },
      process_payment: { method: "post", path: "/api/pms/payments" },
    };
    for (const tool of buildPmsTools("https://x")) {
      const route = routes[tool.function.name]!;
      const op = doc.paths[route.path][route.method];
      // The body is the bare arguments or the seed envelope around them: the first form is the arguments.
      const body = op.requestBody?.content?.["application/json"]?.schema;
      const schema = body?.anyOf?.[0] ?? body;
      const routeProps = new Set<string>(Object.keys(schema?.properties ?? {}));
      const routeRequired = new Set<string>(schema?.required ?? []);
      for (const p of op.parameters ?? []) {
        const routing = p.name === "accountId" || p.name === "callId";
        if (p.in === "query" && !routing) routeProps.add(p.name);
        if (p.in === "query" && p.required && !routing) routeRequired.add(p.name);
      }
      if (route.pathParam) {
        routeProps.add(route.pathParam);
        routeRequired.add(route.pathParam);
      }
      const toolProps = Object.keys(tool.function.parameters.properties as object);
      expect({ tool: tool.function.name, props: [...toolProps].sort() }).toEqual({ tool: tool.function.name, props: [...routeProps].sort() });
      expect({ tool: tool.function.name, required: [...tool.function.parameters.required].sort() }).toEqual({
        tool: tool.function.name,
        required: [...routeRequired].sort(),
      });
    }
  });

  test("the exported PMS_TOOLS and the system prompt addition carry the workflow rules", () => {
    expect(PMS_TOOLS).toHaveLength(11);
    for (const rule of ["search_patients", "Search before you create", "at most three", "pending", "card numbers"]) {
      expect(PMS_SYSTEM_PROMPT_ADDITION).toContain(rule);
    }
  });
});
