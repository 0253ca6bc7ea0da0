/**
 * True when SQLite refused for a lock another connection holds (SQLITE_BUSY, "database is locked"),
 * read from the error's code, its message and its cause's message: the clients wrap it differently.
 */
export function isDatabaseBusy(e: unknown): boolean {
  const err = e as { code?: unknown; message?: unknown; cause?: { message?: unknown } } | null;
  return /SQLITE_BUSY|database is locked/i.test(`${err?.code ?? ""} ${err?.message ?? ""} ${err?.cause?.message ?? ""}`);
}
