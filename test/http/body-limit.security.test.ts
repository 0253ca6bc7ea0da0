import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { SERVER_BODY_CEILING } from "../../src/http/body";
import { adminToken, createSandboxClinic, makeTestApp, type TestApp } from "../helpers/app";

let t: TestApp;
let server: ReturnType<TestApp["app"]["listen"]>;
let base: string;
let headers: Record<string, string>;
beforeAll(async () => {
  t = await makeTestApp();
  const accountId = (await createSandboxClinic(t.deps)).id;
  headers = { authorization: `Bearer ${await adminToken()}`, "x-account-id": accountId, "content-type": "application/json" };
  // A real Bun server on loopback with the service's own listen options: the limit is Bun's behaviour too.
  server = t.app.listen({ port: 0, hostname: "127.0.0.1", maxRequestBodySize: SERVER_BODY_CEILING });
  base = `http://127.0.0.1:${server.server!.port}`;
});
afterAll(async () => {
  await server.stop(true);
  t.close();
});

const TWO_MIB = 2 * 1024 * 1024;
const chunked = (bytes: number) =>
  new ReadableStream<Uint8Array>({
    start(controller) {
      const chunk = new TextEncoder().encode(`{"text":"${"x".repeat(64 * 1024)}`);
      for (let sent = 0; sent < bytes; sent += chunk.length) controller.enqueue(chunk);
      controller.close();
    },
  });

describe("bodies over 1 MiB get the JSON envelope with PAYLOAD_TOO_LARGE and x-request-id", () => {
  for (const path of ["/api/pms/patients/1/notes", "/api/vapi/webhook", "/api/admin/accounts"]) {
    test(`${path}: declared Content-Length and chunked alike`, async () => {
      for (const body of [JSON.stringify({ text: "x".repeat(TWO_MIB) }), chunked(TWO_MIB)]) {
        const res = await fetch(`${base}${path}`, { method: "POST", headers, body, duplex: "half" } as RequestInit);
        expect(res.status).toBe(413);
        expect(res.headers.get("x-request-id")).toMatch(/^req_/);
        expect(res.headers.get("content-type")).toContain("application/json");
        const parsed = (await res.json()) as { error: { code: string; requestId: string } };
        expect(parsed.error.code).toBe("PAYLOAD_TOO_LARGE");
        expect(parsed.error.requestId).toBe(res.headers.get("x-request-id")!);
      }
    });
  }
});
