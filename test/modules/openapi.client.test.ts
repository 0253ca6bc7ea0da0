import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import SwaggerParser from "@apidevtools/swagger-parser";
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import createClient from "openapi-fetch";
import { generatedTypes } from "../../scripts/openapi-types";
import type { paths } from "../generated/openapi";
import { makeClinicTestApp } from "../helpers/app";

type App = Awaited<ReturnType<typeof makeClinicTestApp>>;
let t: App;
let doc: Record<string, any>;
let resolved: Record<string, any>;
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);

beforeAll(async () => {
  t = await makeClinicTestApp();
  doc = (await (await t.handle(new Request("http://localhost/docs/json"))).json()) as Record<string, any>;
  resolved = (await SwaggerParser.dereference(structuredClone(doc) as never)) as Record<string, any>;
});
afterAll(() => t.close());

/** Every answer is checked against the document's own schema for that route and status. */
const checked: string[] = [];
function conforms(method: string, path: string, response: Response, body: unknown) {
  const schema = resolved.paths[path]?.[method]?.responses?.[response.status]?.content?.["application/json"]?.schema;
  expect({ route: `${method} ${path}`, status: response.status, documented: schema !== undefined }).toEqual({
    route: `${method} ${path}`,
    status: response.status,
    documented: true,
  });
  const validate = ajv.compile(schema);
  const valid = validate(body);
  expect({ route: `${method} ${path} ${response.status}`, errors: valid ? null : validate.errors }).toEqual({
    route: `${method} ${path} ${response.status}`,
    errors: null,
  });
  checked.push(`${method} ${path} ${response.status}`);
}

const client = () => createClient<paths>({ baseUrl: "http://localhost", headers: t.headers, fetch: (request: Request) => t.handle(request) });

describe("a client generated from /docs/json", () => {
  test("the committed types are what openapi-typescript generates from the served document (npm run openapi:types)", async () => {
    const committed = readFileSync(join(import.meta.dir, "..", "generated", "openapi.d.ts"), "utf8");
    expect(committed).toBe(await generatedTypes(doc));
  });

  test("every operation answers as documented, success and error responses alike", async () => {
    const api = client();
    const r1 = await api.GET("/api/pms/appointments/availability", { params: { query: { date: "2026-12-02", limit: 3 } } });
    conforms("get", "/api/pms/appointments/availability", r1.response, r1.data);
    const start = r1.data!.data.slots[0]!.start;
    const providerId = r1.data!.data.slots[0]!.providerId;

    const search = await api.POST("/api/pms/patients/search", { body: { firstName: "Jane", lastName: "Doe", dateOfBirth: "1985-04-12" } });
    conforms("post", "/api/pms/patients/search", search.response, search.data);
    const patientId = search.data!.data.patients[0]!.id!;

    const booked = await api.POST("/api/pms/appointments", {
      body: { patientId, start, providerId },
      params: { header: { "Idempotency-Key": "client-book-1" } },
    });
    conforms("post", "/api/pms/appointments", booked.response, booked.data);
    const appointmentId = booked.data!.data.appointment.id!;

    const taken = await api.POST("/api/pms/appointments", { body: { patientId, start, providerId } });
    conforms("post", "/api/pms/appointments", taken.response, taken.error);
    expect(taken.response.status).toBe(409);

    const reused = await api.POST("/api/pms/appointments", {
      body: { patientId, start: r1.data!.data.slots[1]!.start },
      params: { header: { "Idempotency-Key": "client-book-1" } },
    });
    conforms("post", "/api/pms/appointments", reused.response, reused.error);
    expect(reused.error!.error.code).toBe("IDEMPOTENCY_KEY_REUSED");

    const moved = await api.PATCH("/api/pms/appointments", { body: { appointmentId, start: r1.data!.data.slots[2]!.start } });
    conforms("patch", "/api/pms/appointments", moved.response, moved.data);
    const cancelled = await api.DELETE("/api/pms/appointments", { body: { appointmentId } });
    conforms("delete", "/api/pms/appointments", cancelled.response, cancelled.data);

    const patient = await api.GET("/api/pms/patients/{id}", { params: { path: { id: patientId } } });
    conforms("get", "/api/pms/patients/{id}", patient.response, patient.data);
    const missing = await api.GET("/api/pms/patients/{id}", { params: { path: { id: "no-such-patient" } } });
    conforms("get", "/api/pms/patients/{id}", missing.response, missing.error);
    expect(missing.error!.error.code).toBe("PATIENT_NOT_FOUND");

    const created = await api.POST("/api/pms/patients", { body: { firstName: "Sam", lastName: "Lee", dateOfBirth: "1990-02-03", phone: "+12025550144" } });
    conforms("post", "/api/pms/patients", created.response, created.data);
    const note = await api.POST("/api/pms/patients/{id}/notes", { params: { path: { id: patientId } }, body: { text: "Prefers mornings." } });
    conforms("post", "/api/pms/patients/{id}/notes", note.response, note.data);
    const balance = await api.GET("/api/pms/patients/{id}/balance", { params: { path: { id: patientId } } });
    conforms("get", "/api/pms/patients/{id}/balance", balance.response, balance.data);
    const insurance = await api.GET("/api/pms/patients/{id}/insurance", { params: { path: { id: patientId } } });
    conforms("get", "/api/pms/patients/{id}/insurance", insurance.response, insurance.data);
    const paid = await api.POST("/api/pms/payments", { body: { patientId, amount: 10, method: "cash" } });
    conforms("post", "/api/pms/payments", paid.response, paid.data);

    const invalid = await api.POST("/api/pms/payments", { body: { patientId, amount: -1, method: "cash" } });
    conforms("post", "/api/pms/payments", invalid.response, invalid.error);
    expect(invalid.response.status).toBe(400);

    const anonymous = createClient<paths>({ baseUrl: "http://localhost", fetch: (request: Request) => t.handle(request) });
    const refused = await anonymous.GET("/api/pms/patients/{id}/balance", { params: { path: { id: patientId } } });
    conforms("get", "/api/pms/patients/{id}/balance", refused.response, refused.error);
    expect(refused.response.status).toBe(401);

    const huge = await api.POST("/api/pms/patients/{id}/notes", { params: { path: { id: patientId } }, body: { text: "x".repeat(1_100_000) } });
    conforms("post", "/api/pms/patients/{id}/notes", huge.response, huge.error);
    expect(huge.response.status).toBe(413);

    const health = await api.GET("/health");
    conforms("get", "/health", health.response, health.data);
    const account = await api.GET("/api/admin/accounts/{id}", { params: { path: { id: t.accountId } } });
    conforms("get", "/api/admin/accounts/{id}", account.response, account.data);
    expect(new Set(checked.map((c) => c.split(" ").slice(0, 2).join(" "))).size).toBe(13);
  });

  test("integer parameters are integers and every operation has an example", () => {
    const limit = doc.paths["/api/pms/appointments/availability"].get.parameters.find((p: any) => p.name === "limit");
    expect(limit.schema.type).toBe("integer");
    for (const [path, item] of Object.entries<any>(doc.paths)) {
      if (!path.startsWith("/api/pms/")) continue;
      for (const op of Object.values<any>(item)) {
        const hasExample = op.requestBody?.content?.["application/json"]?.example !== undefined || op.parameters.some((p: any) => p.example !== undefined);
        expect({ op: op.operationId, hasExample }).toEqual({ op: op.operationId, hasExample: true });
        expect(op.parameters.map((p: any) => p.name)).toContain("X-Account-Id");
        expect(op.responses["429"].headers["Retry-After"]).toBeDefined();
      }
    }
  });
});
