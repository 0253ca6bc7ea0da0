import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@libsql/client";
import { ChainKeys } from "../../src/audit/chain";
import { verifyAuditChain } from "../../src/audit/verify";
import { parseEncryptionKeys } from "../../src/crypto/keys";
import { openDatabase } from "../../src/db/client";
import { mintToken } from "../../src/http/auth/jwt";
import { TEST_ENCRYPTION_KEY, TEST_JWT_SECRET } from "../helpers/app";
import { instanceEnv, startInstance } from "../helpers/instances";

const dir = mkdtempSync(join(tmpdir(), "pms-gw-crash-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const dbFile = join(dir, "crash.db");
// Development mode, so the demo clinic exists to write notes for.
const env = instanceEnv(dbFile, { NODE_ENV: "development" });

test("SIGKILL under concurrent writes: every acknowledged write has its audit row and idempotency record, and the chain verifies (T34)", async () => {
  const service = await startInstance(env);
  const admin = `Bearer ${await mintToken(TEST_JWT_SECRET, { role: "admin" }, { ttlSeconds: 600 })}`;
  const accounts = (await (await fetch(`${service.url}/api/admin/accounts`, { headers: { authorization: admin } })).json()) as {
    accounts: Array<{ id: string }>;
  };
  const accountId = accounts.accounts[0]!.id;

  const acked: Array<{ key: string; requestId: string }> = [];
  let stop = false;
  // The kill comes once enough writes are acknowledged: an event in the test, not a time.
  let enoughAcked: () => void = () => undefined;
  const enough = new Promise<void>((resolve) => {
    enoughAcked = resolve;
  });
  const worker = async (w: number) => {
    for (let i = 0; !stop && i < 400; i++) {
      const key = `crash-${w}-${i}`;
      try {
        const res = await fetch(`${service.url}/api/pms/patients/1/notes`, {
          method: "POST",
          headers: { authorization: admin, "x-account-id": accountId, "content-type": "application/json", "idempotency-key": key },
          body: JSON.stringify({ text: `note ${key}` }),
        });
        if (res.status === 201) acked.push({ key, requestId: res.headers.get("x-request-id")! });
        if (acked.length >= 60) enoughAcked();
      } catch {
        return; // the process is gone
      }
    }
  };
  const workers = Array.from({ length: 16 }, (_, w) => worker(w));
  await Promise.race([enough, Promise.all(workers)]);
  service.proc.kill("SIGKILL");
  stop = true;
  await Promise.all(workers);
  await service.proc.exited;
  expect(acked.length).toBeGreaterThan(20);

  const raw = createClient({ url: `file:${dbFile}` });
  expect((await raw.execute("pragma integrity_check")).rows[0]![0]).toBe("ok");
  const auditIds = new Set(
    (await raw.execute("select request_id from pms_audit_logs where action = 'add_patient_note' and success = 1")).rows.map((r) => String(r.request_id)),
  );
  const completedKeys = new Set((await raw.execute("select key from idempotency_keys where state = 'completed'")).rows.map((r) => String(r.key)));
  const missingAudit = acked.filter((a) => !auditIds.has(a.requestId));
  const missingKey = acked.filter((a) => !completedKeys.has(`rest:${a.key}`));
  expect({ missingAudit: missingAudit.length, missingKey: missingKey.length }).toEqual({ missingAudit: 0, missingKey: 0 });
  raw.close();

  const keys = parseEncryptionKeys(TEST_ENCRYPTION_KEY);
  if (!keys.ok) throw new Error(keys.problem);
  const handle = await openDatabase({ url: `file:${dbFile}` });
  const report = await verifyAuditChain(handle.db, new ChainKeys(keys.keys));
  handle.close();
  expect(report.ok).toBe(true);
}, 30_000);

test("SIGTERM: stops accepting, finishes, closes the database and exits 0", async () => {
  const service = await startInstance(env);
  service.proc.kill("SIGTERM");
  expect(await service.proc.exited).toBe(0);
}, 15_000);
