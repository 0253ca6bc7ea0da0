import { expect, test } from "bun:test";
import { SignJWT } from "jose";
import { mintToken, verifyToken } from "../../src/http/auth/jwt";

const SECRET = "jwt-cache-test-secret-0123456789abcdef0123";
const T0 = new Date("2026-12-01T10:00:00Z");
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

test("a remembered token still expires: accepted before its exp, refused from that second on", async () => {
  const token = await mintToken(SECRET, { role: "clinic", accountId: "acc_1" }, { ttlSeconds: 60, now: T0 });
  expect(await verifyToken(SECRET, token, at(0))).toEqual({ kind: "clinic", accountId: "acc_1" });
  expect(await verifyToken(SECRET, token, at(59))).toEqual({ kind: "clinic", accountId: "acc_1" });
  expect(await verifyToken(SECRET, token, at(60))).toBeNull();
  expect(await verifyToken(SECRET, token, at(30))).toEqual({ kind: "clinic", accountId: "acc_1" });
});

test("a remembered token is not accepted under another key, nor in an altered form", async () => {
  const token = await mintToken(SECRET, { role: "admin" }, { ttlSeconds: 60, now: T0 });
  expect(await verifyToken(SECRET, token, at(1))).toEqual({ kind: "admin" });
  expect(await verifyToken(`${SECRET}-other`, token, at(1))).toBeNull();
  const [header, , signature] = token.split(".");
  const forged = `${header}.${Buffer.from(JSON.stringify({ role: "admin", exp: 9_999_999_999 })).toString("base64url")}.${signature}`;
  expect(await verifyToken(SECRET, forged, at(1))).toBeNull();
});

test("a token not yet valid (nbf) is refused until then, even once remembered", async () => {
  const nbf = Math.floor(T0.getTime() / 1000) + 30;
  const token = await new SignJWT({ role: "admin" })
    .setProtectedHeader({ alg: "HS256" })
    .setNotBefore(nbf)
    .setExpirationTime(nbf + 60)
    .sign(new TextEncoder().encode(SECRET));
  expect(await verifyToken(SECRET, token, at(0))).toBeNull();
  expect(await verifyToken(SECRET, token, at(31))).toEqual({ kind: "admin" });
  expect(await verifyToken(SECRET, token, at(0))).toBeNull();
});
