import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type AnyOperation, operations } from "../../src/operations";
import { clinicToken, createSandboxClinic, makeTestApp, type TestApp } from "../helpers/app";
import { bearer, json, url } from "../helpers/request";

/**
 * The shared security suite: generated from the operations table, so every route, including one added
 * tomorrow, is checked for the same three things without anyone writing a test for it.
 */
let t: TestApp;
let clinicA: string;
let clinicB: string;
beforeAll(async () => {
  t = await makeTestApp({ env: { RATE_LIMIT_PER_IP_PER_MINUTE: "100000" } });
  clinicA = (await createSandboxClinic(t.deps, { name: "A" })).id;
  clinicB = (await createSandboxClinic(t.deps, { name: "B" })).id;
});
afterAll(() => t.close());

/** A request for the operation's route with its documented example arguments. */
function requestFor(op: AnyOperation, headers: Record<string, string>, args: Record<string, unknown> = op.example as Record<string, unknown>): Request {
  const { method, path, pathParam } = op.rest;
  const { [pathParam ?? ""]: inPath, ...rest } = args;
  const concretePath = `/api/pms${path.replace(":id", encodeURIComponent(String(inPath ?? "1")))}`;
  if (method === "GET") {
    const query = new URLSearchParams(Object.entries(rest).map(([k, v]): [string, string] => [k, String(v)]));
    return new Request(url(`${concretePath}${query.size ? `?${query}` : ""}`), { method, headers });
  }
  return new Request(url(concretePath), { method, headers: { ...headers, "content-type": "application/json" }, body: JSON.stringify(pathParam ? rest : args) });
}

const expectEnvelope = async (res: Response, status: number, codes: string[]) => {
  const body = await json(res);
  expect({
    status: res.status,
    code: codes.includes(body.error?.code) ? "ok" : body.error?.code,
    id: body.error?.requestId === res.headers.get("x-request-id"),
  }).toEqual({
    status,
    code: "ok",
    id: true,
  });
};

for (const op of Object.values(operations) as AnyOperation[]) {
  describe(`${op.rest.method} /api/pms${op.rest.path} (${op.name})`, () => {
    test("no credential: 401", async () => {
      await expectEnvelope(await t.handle(requestFor(op, {})), 401, ["UNAUTHORIZED"]);
    });

    test("a clinic token naming another clinic: 403", async () => {
      const headers = { ...bearer(await clinicToken(clinicA)), "x-account-id": clinicB };
      await expectEnvelope(await t.handle(requestFor(op, headers)), 403, ["FORBIDDEN"]);
    });

    test("arguments of the wrong type: 400 with the error envelope", async () => {
      const headers = bearer(await clinicToken(clinicA));
      const bad = Object.fromEntries(Object.keys(op.input.properties).map((k) => [k, op.rest.method === "GET" ? "\u0000" : { not: "valid" }]));
      if (op.rest.pathParam) bad[op.rest.pathParam] = "x".repeat(200);
      await expectEnvelope(await t.handle(requestFor(op, headers, bad)), 400, ["VALIDATION"]);
    });
  });
}
