import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { SignJWT } from "jose";
import { adminToken, clinicToken, createSandboxClinic, makeTestApp, TEST_JWT_SECRET, TEST_NOW, TEST_WEBHOOK_SECRET, type TestApp } from "../helpers/app";
import { bearer, envelope, json, jsonRequest, nowSeconds, signedRequest, url } from "../helpers/request";

let t: TestApp;
let accountId: string;
const SEARCH = "/api/pms/patients/search";

beforeAll(async () => {
  t = await makeTestApp({ env: { VAPI_WEBHOOK_SECRET: `${TEST_WEBHOOK_SECRET},second-secret-for-rotation-000000000` } });
  // These tests are about credentials, not the caller gate (it has its own tests): REST with a Vapi credential is ungated here.
  accountId = (await createSandboxClinic(t.deps, { restCallerGate: false })).id;
});
afterAll(() => t.close());

const body = () => envelope(accountId, { query: "Jane Doe" });

async function expectUnauthorized(request: Request) {
  const res = await t.handle(request);
  expect(res.status).toBe(401);
  const b = await json(res);
  expect(b.error.code).toBe("UNAUTHORIZED");
  expect(b.error.message).toBe("Missing or invalid credentials.");
  expect(b.error.requestId).toBe(res.headers.get("x-request-id"));
}

describe("each authentication scheme of contract §1 is accepted", () => {
  test("HMAC over {timestamp}.{rawBody} in seconds and in milliseconds, either header pair, sha256= prefix", async () => {
    expect((await t.handle(signedRequest(SEARCH, { body: body() }))).status).toBe(200);
    expect((await t.handle(signedRequest(SEARCH, { body: body(), timestamp: TEST_NOW.getTime() }))).status).toBe(200);
    expect((await t.handle(signedRequest(SEARCH, { body: body(), signatureHeader: "x-signature", timestampHeader: "x-timestamp" }))).status).toBe(200);
    const req = signedRequest(SEARCH, { body: body() });
    const prefixed = new Request(req.url, {
      method: "POST",
      headers: { ...Object.fromEntries(req.headers), "x-vapi-signature": `sha256=${req.headers.get("x-vapi-signature")}` },
      body: await req.text(),
    });
    expect((await t.handle(prefixed)).status).toBe(200);
  });

  test("HMAC over the raw body alone when no timestamp is sent", async () => {
    expect((await t.handle(signedRequest(SEARCH, { body: body(), timestamp: null }))).status).toBe(200);
  });

  test("HMAC on a GET signs {timestamp}.{METHOD}.{path?query}", async () => {
    const path = `/api/pms/appointments/availability?date=2026-12-02&accountId=${accountId}`;
    expect((await t.handle(signedRequest(path))).status).toBe(200);
  });

  test("x-vapi-secret and the Vapi bearer credential, with either of two rotated secrets", async () => {
    for (const secret of [TEST_WEBHOOK_SECRET, "second-secret-for-rotation-000000000"]) {
      expect((await t.handle(jsonRequest(SEARCH, { body: body(), headers: { "x-vapi-secret": secret } }))).status).toBe(200);
      expect((await t.handle(jsonRequest(SEARCH, { body: body(), headers: bearer(secret) }))).status).toBe(200);
    }
    expect((await t.handle(signedRequest(SEARCH, { body: body(), secret: "second-secret-for-rotation-000000000" }))).status).toBe(200);
  });

  test("clinic and admin JWTs", async () => {
    expect((await t.handle(jsonRequest(SEARCH, { body: { query: "Jane" }, headers: bearer(await clinicToken(accountId)) }))).status).toBe(200);
    const admin = { ...bearer(await adminToken()), "x-account-id": accountId };
    expect((await t.handle(jsonRequest(SEARCH, { body: { query: "Jane" }, headers: admin }))).status).toBe(200);
  });
});

describe("every bad credential is one generic 401, never a 500 (T01–T06)", () => {
  test("no credential at all", async () => {
    await expectUnauthorized(jsonRequest(SEARCH, { body: body() }));
    await expectUnauthorized(jsonRequest(`/api/pms/patients/1?accountId=${accountId}`));
  });

  test("a signature made with another secret, or over other bytes", async () => {
    await expectUnauthorized(signedRequest(SEARCH, { body: body(), secret: "not-the-secret" }));
    const req = signedRequest(SEARCH, { body: body() });
    const tampered = new Request(req.url, {
      method: "POST",
      headers: Object.fromEntries(req.headers),
      body: JSON.stringify(envelope(accountId, { query: "John Smith" })),
    });
    await expectUnauthorized(tampered);
  });

  test("a stale or future timestamp (outside 300 s)", async () => {
    await expectUnauthorized(signedRequest(SEARCH, { body: body(), timestamp: nowSeconds() - 301 }));
    await expectUnauthorized(signedRequest(SEARCH, { body: body(), timestamp: nowSeconds() + 301 }));
    expect((await t.handle(signedRequest(SEARCH, { body: body(), timestamp: nowSeconds() - 299 }))).status).toBe(200);
  });

  test("malformed signature and timestamp headers", async () => {
    for (const signature of [
      "",
      "abc",
      "zz".repeat(32),
      "sha256=",
      "a".repeat(63),
      "a".repeat(65),
      "sha512=" + "a".repeat(64),
      "é".repeat(64),
      " ".repeat(64),
    ]) {
      const req = signedRequest(SEARCH, { body: body() });
      const headers = Object.fromEntries(req.headers);
      headers["x-vapi-signature"] = signature;
      await expectUnauthorized(new Request(req.url, { method: "POST", headers, body: await req.text() }));
    }
    for (const ts of ["", "abc", "-1", "1e9", "17640720001764072000"]) {
      const req = signedRequest(SEARCH, { body: body() });
      const headers = Object.fromEntries(req.headers);
      headers["x-vapi-timestamp"] = ts;
      await expectUnauthorized(new Request(req.url, { method: "POST", headers, body: await req.text() }));
    }
  });

  test("a GET without a timestamp, and a GET signature replayed on another path", async () => {
    const path = `/api/pms/patients/1/balance?accountId=${accountId}`;
    await expectUnauthorized(signedRequest(path, { timestamp: null }));
    const good = signedRequest(path);
    const replayed = new Request(url(`/api/pms/patients/2/balance?accountId=${accountId}`), { headers: Object.fromEntries(good.headers) });
    await expectUnauthorized(replayed);
  });

  test("a present but wrong signature does not fall back to another valid credential", async () => {
    const req = signedRequest(SEARCH, { body: body(), secret: "wrong" });
    const headers = { ...Object.fromEntries(req.headers), "x-vapi-secret": TEST_WEBHOOK_SECRET };
    await expectUnauthorized(new Request(req.url, { method: "POST", headers, body: await req.text() }));
  });

  test("wrong x-vapi-secret and wrong bearer values", async () => {
    await expectUnauthorized(jsonRequest(SEARCH, { body: body(), headers: { "x-vapi-secret": `${TEST_WEBHOOK_SECRET}x` } }));
    await expectUnauthorized(jsonRequest(SEARCH, { body: body(), headers: { "x-vapi-secret": "" } }));
    for (const authorization of ["Bearer", "Bearer ", "Basic abc", "bearer x y", `Bearer ${TEST_WEBHOOK_SECRET.slice(1)}`, "Bearer a.b.c"]) {
      await expectUnauthorized(jsonRequest(SEARCH, { body: body(), headers: { authorization } }));
    }
  });

  test("expired, wrongly signed, unsigned, exp-less and role-less JWTs", async () => {
    const key = new TextEncoder().encode(TEST_JWT_SECRET);
    const iat = Math.floor(TEST_NOW.getTime() / 1000);
    const expired = await new SignJWT({ role: "admin" })
      .setProtectedHeader({ alg: "HS256" })
      .setExpirationTime(iat - 10)
      .sign(key);
    const otherKey = await new SignJWT({ role: "admin" })
      .setProtectedHeader({ alg: "HS256" })
      .setExpirationTime(iat + 600)
      .sign(new TextEncoder().encode("another-secret-another-secret-1234"));
    const noExp = await new SignJWT({ role: "admin" }).setProtectedHeader({ alg: "HS256" }).sign(key);
    const noRole = await new SignJWT({ accountId })
      .setProtectedHeader({ alg: "HS256" })
      .setExpirationTime(iat + 600)
      .sign(key);
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
    const algNone = `${b64({ alg: "none", typ: "JWT" })}.${b64({ role: "admin", exp: iat + 600 })}.`;
    for (const token of [expired, otherKey, noExp, noRole, algNone]) {
      await expectUnauthorized(jsonRequest(SEARCH, { body: { query: "Jane" }, headers: { ...bearer(token), "x-account-id": accountId } }));
    }
  });

  test("the webhook secret does not open the admin API", async () => {
    await expectUnauthorized(jsonRequest("/api/admin/accounts", { headers: bearer(TEST_WEBHOOK_SECRET) }));
    await expectUnauthorized(jsonRequest("/api/admin/accounts", { headers: { "x-vapi-secret": TEST_WEBHOOK_SECRET } }));
  });

  test("the signature is checked before the body is parsed: unsigned garbage is 401, not 400", async () => {
    await expectUnauthorized(new Request(url(SEARCH), { method: "POST", headers: { "content-type": "application/json" }, body: "{not json" }));
    const signedGarbage = signedRequest(SEARCH, { body: "{not json" });
    const res = await t.handle(signedGarbage);
    expect(res.status).toBe(400);
    expect((await json(res)).error.code).toBe("VALIDATION");
  });
});
