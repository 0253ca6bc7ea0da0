import { createSecretKey, type KeyObject } from "node:crypto";
import { errors, jwtVerify, SignJWT } from "jose";
import type { Principal } from "../../accounts/principal";

const encoder = new TextEncoder();

export type TokenClaims = { role: "admin" } | { role: "clinic"; accountId: string };

/** Mints an HS256 token the way the contract describes (`exp` always set). */
export async function mintToken(secret: string, claims: TokenClaims, options: { ttlSeconds: number; now?: Date; subject?: string }) {
  const issuedAt = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const jwt = new SignJWT({ ...claims }).setProtectedHeader({ alg: "HS256", typ: "JWT" }).setIssuedAt(issuedAt);
  if (options.subject) jwt.setSubject(options.subject);
  return jwt.setExpirationTime(issuedAt + options.ttlSeconds).sign(encoder.encode(secret));
}

/** A principal for a valid clinic/admin token, or null for anything else (expired, wrong key, bad claims). */
// Importing the key on every request is measurable on the hot path; there are only one or two secrets.
const keys = new Map<string, KeyObject>();
const keyFor = (secret: string) => {
  let key = keys.get(secret);
  if (!key) {
    key = createSecretKey(Buffer.from(encoder.encode(secret)));
    keys.set(secret, key);
  }
  return key;
};

export async function verifyToken(secret: string, token: string, now: Date): Promise<Principal | null> {
  try {
    const { payload } = await jwtVerify(token, keyFor(secret), {
      algorithms: ["HS256"],
      requiredClaims: ["exp"],
      currentDate: now,
    });
    if (payload.role === "admin") return { kind: "admin" };
    if (payload.role === "clinic" && typeof payload.accountId === "string" && payload.accountId.length > 0) {
      return { kind: "clinic", accountId: payload.accountId };
    }
    return null;
  } catch (e) {
    if (e instanceof errors.JOSEError || e instanceof TypeError || e instanceof SyntaxError) return null;
    throw e;
  }
}
