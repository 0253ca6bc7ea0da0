import { afterAll, beforeAll, expect, test } from "bun:test";
import { NexHealthTimeoutError, nexhealthRequest } from "../../src/connectors/nexhealth/http";
import { SikkaTimeoutError } from "../../src/connectors/sikka/errors";
import { sikkaRequest } from "../../src/connectors/sikka/http";

/**
 * A vendor that sends its headers and the start of an answer, then stalls: the request reached it, so
 * a write may have happened. That is a timeout (never retried into a duplicate), not an internal error.
 */
let server: ReturnType<typeof Bun.serve>;
beforeAll(() => {
  server = Bun.serve({
    port: 0,
    fetch: () =>
      new Response(
        new ReadableStream({
          start(controller) {
            controller.enqueue(new TextEncoder().encode('{"items": ['));
            // ...and nothing more.
          },
        }),
        { headers: { "content-type": "application/json" } },
      ),
  });
});
afterAll(() => server.stop(true));

test("Sikka: an answer cut off by the deadline is a timeout", async () => {
  const attempt = sikkaRequest(fetch, { url: `${server.url}v4/appointments`, method: "POST", auth: null, body: {}, timeoutMs: 100 });
  await expect(attempt).rejects.toBeInstanceOf(SikkaTimeoutError);
});

test("NexHealth: an answer cut off by the deadline is a timeout", async () => {
  const attempt = nexhealthRequest(fetch, { url: `${server.url}appointments`, method: "POST", authorization: "x", body: {}, timeoutMs: 100 });
  await expect(attempt).rejects.toBeInstanceOf(NexHealthTimeoutError);
});
