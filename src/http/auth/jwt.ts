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

/** A token already verified under a key: who it names and until when (seconds) it holds. */
type Verified = { principal: Principal; exp: number; nbf: number | null };
const VERIFIED_PER_KEY = 1024;

// Importing the key on every request is measurable on the hot path; there are only one or two secrets.
// Each keeps the tokens verified under it.
const keys = new Map<string, { key: KeyObject; verified: Map<string, Verified> }>();
const keyFor = (secret: string) => {
  let entry = keys.get(secret);
  if (!entry) {
    entry = { key: createSecretKey(Buffer.from(encoder.encode(secret))), verified: new Map() };
    keys.set(secret, entry);
  }
  return entry;
};

/**
 * Clinic IT and the admin tools send the same token with every request; its signature is checked once
 * per key and remembered (bounded) for as long as its own claims allow. Time is still checked on every
 * use: a remembered token past its `exp` (or before its `nbf`) goes through full verification, which refuses it.
 */
export async function verifyToken(secret: string, token: string, now: Date): Promise<Principal | null> {
  const { key, verified } = keyFor(secret);
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const known = verified.get(token);
  if (known && known.exp > nowSeconds && (known.nbf === null || known.nbf <= nowSeconds)) return known.principal;
  verified.delete(token);
  const checked = await verifyFully(key, token, now);
  if (checked) {
    if (verified.size >= VERIFIED_PER_KEY) verified.clear();
    verified.set(token, checked);
  }
  return checked?.principal ?? null;
}

/** A principal for a valid clinic/admin token, or null for anything else (expired, wrong key, bad claims). */
async function verifyFully(key: KeyObject, token: string, now: Date): Promise<Verified | null> {
  try {
    const { payload } = await jwtVerify(token, key, {
      algorithms: ["HS256"],
      requiredClaims: ["exp"],
      currentDate: now,
    });
    const exp = payload.exp as number;
    const nbf = typeof payload.nbf === "number" ? payload.nbf : null;
    if (payload.role === "admin") return { principal: { kind: "admin" }, exp, nbf };
    if (payload.role === "clinic" && typeof payload.accountId === "string" && payload.accountId.length > 0) {
      return { principal: { kind: "clinic", accountId: payload.accountId }, exp, nbf };
    }
    return null;
  } catch (e) {
    if (e instanceof errors.JOSEError || e instanceof TypeError || e instanceof SyntaxError) return null;
    throw e;
  }
}
