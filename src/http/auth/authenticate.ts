import type { Principal } from "../../accounts/principal";
import type { Clock } from "../../lib/clock";
import { safeEqualStrings } from "../../lib/timing-safe";
import { bearerToken } from "./bearer";
import { verifyHmac } from "./hmac";
import { verifyToken } from "./jwt";

export type AuthSecrets = { webhookSecrets: string[]; jwtSecret: string };

export type IncomingCredentials = {
  headers: Headers | Record<string, string | undefined>;
  method: string;
  pathAndQuery: string;
  body: Uint8Array | null;
};

const header = (h: IncomingCredentials["headers"], name: string): string | null => (h instanceof Headers ? h.get(name) : (h[name] ?? null));

/** True when any active webhook secret equals the presented one; always compares against all. */
function matchesWebhookSecret(presented: string, secrets: string[]): boolean {
  let match = false;
  for (const secret of secrets) if (safeEqualStrings(presented, secret)) match = true;
  return match;
}

/**
 * Resolves the caller from the first credential present and never falls through to a
 * weaker one: a request that presents a signature is judged by that signature alone. Returns null
 * for every kind of failure, so the caller answers one generic 401.
 */
export async function authenticate(req: IncomingCredentials, secrets: AuthSecrets, clock: Clock): Promise<Principal | null> {
  const h = req.headers;
  const signature = header(h, "x-vapi-signature") ?? header(h, "x-signature");
  if (signature !== null) {
    const timestamp = header(h, "x-vapi-timestamp") ?? header(h, "x-timestamp");
    const ok = verifyHmac(
      { signature, timestamp: timestamp?.trim() ?? null, method: req.method, pathAndQuery: req.pathAndQuery, body: req.body },
      secrets.webhookSecrets,
      clock.now().getTime(),
    );
    if (ok) return { kind: "vapi", scheme: "hmac" };
    // Vapi's older scheme puts the plain webhook secret in x-vapi-signature; still judged by that header alone.
    return matchesWebhookSecret(signature.trim(), secrets.webhookSecrets) ? { kind: "vapi", scheme: "secret" } : null;
  }
  const vapiSecret = header(h, "x-vapi-secret");
  if (vapiSecret !== null) {
    return matchesWebhookSecret(vapiSecret, secrets.webhookSecrets) ? { kind: "vapi", scheme: "secret" } : null;
  }
  const authorization = header(h, "authorization");
  if (authorization !== null) {
    const token = bearerToken(authorization);
    if (!token) return null;
    if (matchesWebhookSecret(token, secrets.webhookSecrets)) return { kind: "vapi", scheme: "bearer" };
    return verifyToken(secrets.jwtSecret, token, clock.now());
  }
  return null;
}
