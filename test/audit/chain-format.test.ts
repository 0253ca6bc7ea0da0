import { expect, test } from "bun:test";
import { createHmac } from "node:crypto";
import { type ChainedContent, ChainKeys, GENESIS } from "../../src/audit/chain";

/**
 * The chain's format is stored in every row: rows written by an earlier version must still verify, and an
 * archive must be able to recompute a hash from an export. So the hash is pinned here against a plain
 * HMAC-SHA256, whatever implementation computes it.
 */
test("a row's hash is HMAC-SHA256 over the previous hash and the canonical content, keyed by the derived chain key", () => {
  const keyBytes = new Uint8Array(32).map((_, i) => i * 7);
  const chain = new ChainKeys([{ id: "k1", bytes: keyBytes }]);
  const content: ChainedContent = {
    accountId: "acc_1",
    callId: null,
    toolCallId: "call_ü",
    action: "get_patient",
    patientId: "7001",
    phiAccessed: true,
    success: false,
    statusCode: 404,
    errorCode: "PATIENT_NOT_FOUND",
    responseTime: 12,
    requestId: "req_1",
    actor: "vapi",
    createdAt: "2026-12-01 10:00:00.000",
  };
  const derived = createHmac("sha256", keyBytes).update("pms-gateway audit chain v1").digest();
  const canonical = JSON.stringify([
    "acc_1",
    null,
    "call_ü",
    "get_patient",
    "7001",
    1,
    0,
    404,
    "PATIENT_NOT_FOUND",
    12,
    "req_1",
    "vapi",
    "2026-12-01 10:00:00.000",
  ]);
  const first = chain.hash("k1", GENESIS, content);
  expect(first).toBe(createHmac("sha256", derived).update(`${GENESIS}\n${canonical}`).digest("hex"));
  const second = chain.hash("k1", first!, content);
  expect(second).toBe(createHmac("sha256", derived).update(`${first}\n${canonical}`).digest("hex"));
  expect(chain.hash("k2", GENESIS, content)).toBeNull();
});
