import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import fc from "fast-check";
import { sign, verifyHmac } from "../../src/http/auth/hmac";
import { createSandboxClinic, makeTestApp, TEST_NOW, TEST_WEBHOOK_SECRET, type TestApp } from "../helpers/app";
import { nowSeconds, url } from "../helpers/request";
import { CLINIC_PHONE_NUMBER_ID, toolCallsMessage } from "../helpers/vapi";

let t: TestApp;
beforeAll(async () => {
  // A high per-address limit: these tests send thousands of bad signatures on purpose.
  t = await makeTestApp({ env: { RATE_LIMIT_PER_IP_PER_MINUTE: "100000" } });
  await createSandboxClinic(t.deps, { vapiPhoneNumberIds: [CLINIC_PHONE_NUMBER_ID] });
});
afterAll(() => t.close());

const encoder = new TextEncoder();
const signedBytes = (body: Uint8Array, ts: number, secret = TEST_WEBHOOK_SECRET) => {
  const prefix = encoder.encode(`${ts}.`);
  const all = new Uint8Array(prefix.length + body.length);
  all.set(prefix);
  all.set(body, prefix.length);
  return sign(secret, all);
};
const send = (body: Uint8Array | string, signature: string, ts: string) =>
  t.handle(
    new Request(url("/api/vapi/webhook"), {
      method: "POST",
      headers: { "content-type": "application/json", "x-vapi-signature": signature, "x-vapi-timestamp": ts },
      body,
    }),
  );

describe("signatures cover the exact bytes (T02, T03)", () => {
  test("irregular whitespace and \\u escapes verify as sent; the re-serialized JSON with the same signature does not", async () => {
    const raw = `{ "message" :{"type":"tool-calls",   "toolCallList":[{"id":"t1","function":{"name":"check_availability","arguments":{"date":"2026-12-02","note":"caf\\u00e9"}}}],\n "call":{"id":"c1","phoneNumberId":"${CLINIC_PHONE_NUMBER_ID}"}}}`;
    const ts = nowSeconds();
    const signature = signedBytes(encoder.encode(raw), ts);
    const ok = await send(raw, signature, String(ts));
    expect(ok.status).toBe(200);
    const reserialized = await send(JSON.stringify(JSON.parse(raw)), signature, String(ts));
    expect(reserialized.status).toBe(401);
  });

  test("property: a signature verifies its own bytes and nothing else (1,000 runs, no exceptions)", () => {
    const now = TEST_NOW.getTime();
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 512 }),
        fc.nat(),
        fc.integer({ min: 0, max: 255 }),
        fc.constantFrom("body", "timestamp", "signature"),
        (body, where, delta, field) => {
          const ts = String(Math.floor(now / 1000));
          const signature = signedBytes(body, Number(ts));
          if (!verifyHmac({ signature, timestamp: ts, method: "POST", pathAndQuery: "/x", body }, [TEST_WEBHOOK_SECRET], now)) return false;
          const d = (delta % 255) + 1; // a real change
          if (field === "body") {
            const mutated = body.slice();
            mutated[where % mutated.length] = (mutated[where % mutated.length]! + d) & 0xff;
            return !verifyHmac({ signature, timestamp: ts, method: "POST", pathAndQuery: "/x", body: mutated }, [TEST_WEBHOOK_SECRET], now);
          }
          if (field === "timestamp") {
            const mutatedTs = String(Number(ts) - 1 - (d % 200));
            return !verifyHmac({ signature, timestamp: mutatedTs, method: "POST", pathAndQuery: "/x", body }, [TEST_WEBHOOK_SECRET], now);
          }
          const chars = signature.split("");
          const i = where % chars.length;
          chars[i] = chars[i] === "0" ? "1" : "0";
          return !verifyHmac({ signature: chars.join(""), timestamp: ts, method: "POST", pathAndQuery: "/x", body }, [TEST_WEBHOOK_SECRET], now);
        },
      ),
      { numRuns: 1000 },
    );
  });

  test("property: random bodies and single-byte mutations of a signed request never verify and never produce a 500", async () => {
    const base = encoder.encode(JSON.stringify(toolCallsMessage([{ id: "t", name: "check_availability", arguments: { date: "2026-12-02" } }])));
    const ts = nowSeconds();
    const signature = signedBytes(base, ts);
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 300 }),
          fc.nat({ max: base.length - 1 }).map((i) => {
            const m = base.slice();
            m[i] = m[i]! ^ 0x01;
            return m;
          }),
        ),
        async (body) => {
          const res = await send(body, signature, String(ts));
          return res.status === 401 || res.status === 413;
        },
      ),
      { numRuns: 200 },
    );
  });

  test("malformed signature headers of every shape are one 401, never a 500 (T06)", async () => {
    const body = encoder.encode(JSON.stringify(toolCallsMessage([])));
    for (const signature of [
      "",
      "v1,",
      "a",
      "x".repeat(10_240),
      "v2,abcdef",
      Array.from({ length: 50 }, () => "a".repeat(64)).join(" "),
      "sha256=" + "g".repeat(64),
    ]) {
      const res = await send(body, signature, String(nowSeconds()));
      expect(res.status).toBe(401);
    }
  });
});

describe("resource limits (T28)", () => {
  test("a 2 MB body is 413 before any parsing; 1,000 tool calls in one message are refused", async () => {
    const big = encoder.encode(JSON.stringify({ message: { type: "tool-calls", pad: "x".repeat(2 * 1024 * 1024) } }));
    expect((await send(big, "0".repeat(64), String(nowSeconds()))).status).toBe(413);
    const many = encoder.encode(
      JSON.stringify(toolCallsMessage(Array.from({ length: 1000 }, (_, i) => ({ id: `t${i}`, name: "check_availability", arguments: {} })))),
    );
    const ts = nowSeconds();
    const res = await send(many, signedBytes(many, ts), String(ts));
    expect(res.status).toBe(400);
  });
});
