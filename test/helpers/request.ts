import { sign } from "../../src/http/auth/hmac";
import { TEST_NOW, TEST_WEBHOOK_SECRET } from "./app";

const encoder = new TextEncoder();
export const url = (path: string) => `http://localhost${path}`;

export const nowSeconds = (at: Date = TEST_NOW) => Math.floor(at.getTime() / 1000);

type Init = { method?: string; headers?: Record<string, string>; body?: unknown };

export function jsonRequest(path: string, init: Init = {}): Request {
  const hasBody = init.body !== undefined;
  return new Request(url(path), {
    method: init.method ?? (hasBody ? "POST" : "GET"),
    headers: { ...(hasBody ? { "content-type": "application/json" } : {}), ...init.headers },
    ...(hasBody ? { body: typeof init.body === "string" ? init.body : JSON.stringify(init.body) } : {}),
  });
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** A request signed as Vapi's HMAC credential does: `{timestamp}.{rawBody}`, or method and path without a body. */
export function signedRequest(
  path: string,
  init: Init & { secret?: string; timestamp?: number | null; signatureHeader?: string; timestampHeader?: string } = {},
): Request {
  const method = init.method ?? (init.body !== undefined ? "POST" : "GET");
  const raw = init.body === undefined ? "" : typeof init.body === "string" ? init.body : JSON.stringify(init.body);
  const ts = init.timestamp === undefined ? nowSeconds() : init.timestamp;
  const payload = raw.length > 0 ? (ts === null ? raw : `${ts}.${raw}`) : `${ts}.${method}.${path}`;
  const signature = sign(init.secret ?? TEST_WEBHOOK_SECRET, encoder.encode(payload));
  return new Request(url(path), {
    method,
    headers: {
      ...(raw.length > 0 ? { "content-type": "application/json" } : {}),
      [init.signatureHeader ?? "x-vapi-signature"]: signature,
      ...(ts === null ? {} : { [init.timestampHeader ?? "x-vapi-timestamp"]: String(ts) }),
      ...init.headers,
    },
    ...(raw.length > 0 ? { body: raw } : {}),
  });
}

/** The seed's envelope around tool arguments. */
export const envelope = (accountId: string, data: Record<string, unknown>, callId = "call-test-1") => ({
  call: { id: callId, metadata: { accountId } },
  data,
});

export async function json<T = any>(response: Response): Promise<T> {
  return (await response.json()) as T;
}
