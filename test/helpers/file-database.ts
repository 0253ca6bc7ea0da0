import { afterEach } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type DatabaseHandle, openDatabase } from "../../src/db/client";

/**
 * A folder of its own for each test, with database files opened in it; after the test, what is still
 * open is closed and the folder removed. A test that closes a database itself says so with `closed()`.
 */
export function fileDatabasePerTest(prefix: string) {
  let dir: string | null = null;
  const open = new Set<DatabaseHandle>();
  afterEach(() => {
    for (const handle of open) handle.close();
    open.clear();
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = null;
  });
  const folder = () => {
    dir ??= mkdtempSync(join(tmpdir(), prefix));
    return dir;
  };
  return {
    /** A path in the test's folder. */
    path: (...parts: string[]) => join(folder(), ...parts),
    async open(name = "test.db"): Promise<DatabaseHandle> {
      const handle = await openDatabase({ url: `file:${join(folder(), name)}` });
      open.add(handle);
      return handle;
    },
    closed(handle: DatabaseHandle) {
      open.delete(handle);
    },
  };
}
