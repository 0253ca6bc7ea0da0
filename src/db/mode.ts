export type DatabaseMode = "memory" | "embedded" | "embedded-replica" | "remote";

/**
 * Which of the libSQL deployments a URL means:
 * - `:memory:` — tests only;
 * - `file:…` — embedded SQLite, one machine (the default);
 * - `file:…` + `DATABASE_SYNC_URL` — an embedded replica: reads from a local file, writes forwarded to
 *   the primary, one replica per region;
 * - `libsql://…`, `http(s)://…`, `ws(s)://…` — every query goes to a remote Turso / libSQL server.
 */
export function databaseMode(url: string, syncUrl?: string): DatabaseMode | null {
  if (url === ":memory:" || url === "file::memory:") return "memory";
  if (url.startsWith("file:")) return syncUrl ? "embedded-replica" : "embedded";
  if (/^(libsql|https?|wss?):\/\//.test(url)) return syncUrl ? null : "remote";
  return null;
}

/** What is wrong with a database configuration, if anything (for the start-up problem list). */
export function databaseProblems(input: { url: string; authToken?: string; syncUrl?: string; production: boolean }): string[] {
  const mode = databaseMode(input.url, input.syncUrl);
  if (mode === null) {
    return [
      input.syncUrl
        ? "DATABASE_SYNC_URL: an embedded replica needs DATABASE_URL=file:…"
        : "DATABASE_URL: must be :memory:, file:…, libsql://…, http(s)://… or ws(s)://…",
    ];
  }
  const problems: string[] = [];
  const turso = (u: string | undefined) => !!u && /^libsql:\/\/|\.turso\.io/.test(u);
  if ((mode === "remote" && turso(input.url)) || (mode === "embedded-replica" && turso(input.syncUrl))) {
    if (!input.authToken) problems.push("DATABASE_AUTH_TOKEN: required for a Turso database");
  }
  if (input.production && mode === "memory") problems.push("DATABASE_URL: an in-memory database loses everything on restart");
  return problems;
}
