import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import fc from "fast-check";
import { parseDigest, sign, verifyHmac } from "../../src/http/auth/hmac";
import { createSandboxClinic, makeTestApp, TEST_NOW, TEST_WEBHOOK_SECRET, type TestApp } from "../helpers/app";
import { nowSeconds, url } from "../helpers/request";
import { CLINIC_PHONE_NUMBER_ID, toolCallsMessage } from "../helpers/vapi";

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp({ env: { RATE_LIMIT_PER_IP_PER_MINUTE: "100000" } });
  await createSandboxClinic(t.deps, { vapiPhoneNumberIds: [CLINIC_PHONE_NUMBER_ID] });
});
afterAll(() => t.close());

const encoder = new TextEncoder();
const body = () => JSON.stringify(toolCallsMessage([{ id: "h1", name: "check_availability", arguments: { date: "2026-12-02" } }]));
const post = (raw: string, headers: Record<string, string>) =>
  t.handle(new Request(url("/api/vapi/webhook"), { method: "POST", headers: { "content-type": "application/json", ...headers }, body: raw }));

describe("Vapi HMAC credential options", () => {
  for (const algorithm of ["sha256", "sha512"] as const) {
    for (const encoding of ["hex", "base64"] as const) {
      test(`${algorithm} signatures encoded as ${encoding} verify; the same signature over other bytes does not`, async () => {
        const raw = body();
        const ts = String(nowSeconds());
        const signature = sign(TEST_WEBHOOK_SECRET, encoder.encode(`${ts}.${raw}`), algorithm, encoding);
        expect((await post(raw, { "x-vapi-signature": signature, "x-vapi-timestamp": ts })).status).toBe(200);
        expect((await post(`${raw} `, { "x-vapi-signature": signature, "x-vapi-timestamp": ts })).status).toBe(401);
      });
    }
  }

  test("Vapi's older scheme: x-vapi-signature carrying the plain webhook secret authenticates; another value does not", async () => {
    expect((await post(body(), { "x-vapi-signature": TEST_WEBHOOK_SECRET })).status).toBe(200);
    expect((await post(body(), { "x-vapi-signature": `${TEST_WEBHOOK_SECRET}x` })).status).toBe(401);
    expect((await post(body(), { "x-vapi-signature": "" })).status).toBe(401);
  });

  test("property: for every algorithm and encoding, one changed byte of body or digest fails (500 runs)", () => {
    const now = TEST_NOW.getTime();
    const ts = String(Math.floor(now / 1000));
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 256 }),
        fc.constantFrom("sha256" as const, "sha512" as const),
        fc.constantFrom("hex" as const, "base64" as const),
        fc.nat(),
        (bytes, algorithm, encoding, where) => {
          const signed = new Uint8Array([...encoder.encode(`${ts}.`), ...bytes]);
          const signature = sign(TEST_WEBHOOK_SECRET, signed, algorithm, encoding);
          const req = { signature, timestamp: ts, method: "POST", pathAndQuery: "/x", body: bytes };
          if (!verifyHmac(req, [TEST_WEBHOOK_SECRET], now)) return false;
          const mutated = bytes.slice();
          mutated[where % mutated.length] = mutated[where % mutated.length]! ^ 1;
          if (verifyHmac({ ...req, body: mutated }, [TEST_WEBHOOK_SECRET], now)) return false;
          const digest = parseDigest(signature)!;
          digest.bytes[where % digest.bytes.length] = digest.bytes[where % digest.bytes.length]! ^ 1;
          const tampered = encoding === "hex" ? digest.bytes.toString("hex") : digest.bytes.toString("base64");
          return !verifyHmac({ ...req, signature: tampered }, [TEST_WEBHOOK_SECRET], now);
        },
      ),
      { numRuns: 500 },
    );
  });

  test("non-canonical base64 (unused bits set) and wrong lengths are not digests", () => {
    const canonical = sign("k", encoder.encode("x"), "sha256", "base64");
    const last = canonical.at(-2)!;
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const sibling = alphabet[alphabet.indexOf(last) ^ 1]!; // differs only in an unused low bit
    expect(parseDigest(canonical)).not.toBeNull();
    expect(parseDigest(`${canonical.slice(0, -2)}${sibling}=`)).toBeNull();
    expect(parseDigest("ab".repeat(31))).toBeNull();
    expect(parseDigest("ab".repeat(48))).toBeNull();
  });
});
