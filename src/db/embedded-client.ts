import { Buffer } from "node:buffer";
import {
  type Client,
  type InArgs,
  type InStatement,
  type InValue,
  LibsqlError,
  type Replicated,
  type ResultSet,
  type Row,
  type Transaction,
  type TransactionMode,
  type Value,
} from "@libsql/client";
import Database from "libsql";

/** Distinct SQL texts kept prepared; the service issues a few dozen, so this is never reached in practice. */
const STATEMENT_CACHE_SIZE = 512;
const VALUES = Symbol("values");

type Prepared = { statement: ReturnType<InstanceType<typeof Database>["prepare"]>; returnsData: boolean; columns: string[]; rowType: RowType };
type RowType = new (values: Value[]) => Row;

/** `shared`: other writes share the transaction (a multi-statement write must then be undone on its own). */
type QueuedWrite = { work: (shared: boolean) => unknown; resolve: (value: unknown) => void; reject: (e: unknown) => void };

/**
 * How a statement shares the connection: a read runs at once; a write waits for the turn's shared
 * transaction; anything else (PRAGMA, DDL, transaction control) runs on its own once the queued writes
 * have committed. Only a plain SELECT counts as a read; anything unrecognised runs on its own.
 */
type StatementKind = "read" | "write" | "alone";
const sqlOf = (stmt: InStatement | [string, InArgs?] | string) => (typeof stmt === "string" ? stmt : Array.isArray(stmt) ? stmt[0] : stmt.sql);
const kinds = new Map<string, StatementKind>();
function statementKind(sql: string): StatementKind {
  let kind = kinds.get(sql);
  if (kind === undefined) {
    kind = kindOf(sql);
    // The service sends a few dozen texts; anything beyond is not worth remembering.
    if (kinds.size < STATEMENT_CACHE_SIZE) kinds.set(sql, kind);
  }
  return kind;
}
function kindOf(sql: string): StatementKind {
  const verb = /^\s*\(*\s*([a-z]+)/i.exec(sql)?.[1]?.toLowerCase();
  if (verb === "select") return "read";
  if (verb === "insert" || verb === "update" || verb === "delete" || verb === "replace" || verb === "with") return "write";
  return "alone";
}

const BEGIN: Record<TransactionMode, string> = { write: "BEGIN IMMEDIATE", read: "BEGIN TRANSACTION READONLY", deferred: "BEGIN DEFERRED" };

/**
 * Rows as `@libsql/client` shapes them (named columns enumerable, positions by index, `length`), built
 * by one class per statement: the named values are own fields, positions read through the prototype.
 */
function rowTypeFor(columns: string[]): RowType {
  const proto: Record<PropertyKey, unknown> = {};
  Object.defineProperty(proto, "length", { value: columns.length });
  columns.forEach((_, i) => {
    Object.defineProperty(proto, i, {
      get(this: { [VALUES]: Value[] }) {
        return this[VALUES][i];
      },
    });
  });
  const named = columns.map((c, i) => [c, i] as const).filter(([c], i) => columns.indexOf(c) === i);
  function EmbeddedRow(this: Record<PropertyKey, unknown>, values: Value[]) {
    Object.defineProperty(this, VALUES, { value: values });
    for (const [column, i] of named) this[column] = values[i];
  }
  EmbeddedRow.prototype = proto;
  return EmbeddedRow as unknown as RowType;
}

function toSql(value: InValue): unknown {
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new RangeError("Only finite numbers (not Infinity or NaN) can be passed as arguments");
    return value;
  }
  if (typeof value === "boolean") return value ? 1 : 0;
  if (value instanceof ArrayBuffer) return Buffer.from(value);
  if (value instanceof Date) return value.valueOf();
  if (value === undefined) throw new TypeError("undefined cannot be passed as argument to the database");
  return value;
}

function fromSql(value: unknown): Value {
  if (typeof value === "bigint") {
    if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER))
      throw new RangeError("Received integer which cannot be safely represented as a JavaScript number");
    return Number(value);
  }
  if (value instanceof Buffer) return value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength) as ArrayBuffer;
  return value as Value;
}

function toArgs(args: InArgs | undefined): unknown[] | Record<string, unknown> {
  if (args === undefined) return [];
  if (Array.isArray(args)) return args.map(toSql);
  const named: Record<string, unknown> = {};
  for (const name in args) named[/^[@$:]/.test(name) ? name.slice(1) : name] = toSql(args[name] as InValue);
  return named;
}

function mapError(e: unknown): unknown {
  const err = e as { code?: string; rawCode?: number; message?: string };
  if (e instanceof Error && typeof err.code === "string" && err.code.startsWith("SQLITE")) {
    // The base code (`SQLITE_CONSTRAINT`) and the extended one (`SQLITE_CONSTRAINT_TRIGGER`), as the stock client reports them.
    return new LibsqlError(e.message, /^SQLITE_[A-Z]+/.exec(err.code)?.[0] ?? err.code, err.code, err.rawCode, e);
  }
  return e;
}

class Result implements ResultSet {
  constructor(
    readonly columns: string[],
    readonly columnTypes: string[],
    readonly rows: Row[],
    readonly rowsAffected: number,
    readonly lastInsertRowid: bigint | undefined,
  ) {}
  toJSON() {
    return {
      columns: this.columns,
      columnTypes: this.columnTypes,
      rows: this.rows.map((r) => Array.prototype.slice.call(r)),
      rowsAffected: this.rowsAffected,
      lastInsertRowid: this.lastInsertRowid === undefined ? null : String(this.lastInsertRowid),
    };
  }
}

/**
 * `@libsql/client`'s interface over one embedded libSQL connection that keeps its statements prepared.
 * The stock local client prepares every statement anew and asks for its columns twice, which is most
 * of what a query costs here; the SQL texts the service issues are few and fixed (placeholders for
 * values), so each is prepared once. One connection, as before: SQLite runs these synchronously, and
 * an interactive transaction holds the connection until it ends (other work waits its turn).
 *
 * Writes share a transaction per event-loop turn (group commit): a commit writes the changed pages to
 * the log, which is most of what a small write costs, so the concurrent requests of one turn pay it
 * once. The writes run together at the end of the turn, synchronously, so the file's write lock is
 * never held across an await (another connection to the file, in this process or another, only ever
 * waits for one such run), and each settles only after the commit.
 */
export class EmbeddedClient implements Client {
  private readonly db: InstanceType<typeof Database>;
  private readonly cache = new Map<string, Prepared>();
  /** Set while an interactive transaction holds the connection: everything else waits for it. */
  private held: Promise<void> | null = null;
  /** The writes of this event-loop turn, committed together at its end. */
  private pending: QueuedWrite[] | null = null;
  closed = false;
  readonly protocol = "file";

  constructor(path: string, options: { timeoutMs: number }) {
    this.db = new Database(path, { timeout: options.timeoutMs } as never);
  }

  private prepared(sql: string): Prepared {
    let entry = this.cache.get(sql);
    if (entry) return entry;
    const statement = this.db.prepare(sql);
    statement.safeIntegers(true);
    let returnsData = true;
    try {
      statement.raw(true);
    } catch {
      returnsData = false; // raw() throws for a statement that returns no rows
    }
    const columns = returnsData ? statement.columns().map((c) => c.name) : [];
    entry = { statement, returnsData, columns, rowType: rowTypeFor(columns) };
    if (this.cache.size >= STATEMENT_CACHE_SIZE) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(sql, entry);
    return entry;
  }

  /** Runs one statement now (synchronously, inside SQLite). */
  private run(stmt: InStatement | [string, InArgs?] | string, args?: InArgs): ResultSet {
    const sql = sqlOf(stmt);
    const values = typeof stmt === "string" ? args : Array.isArray(stmt) ? stmt[1] : stmt.args;
    try {
      const { statement, returnsData, columns, rowType } = this.prepared(sql);
      const bound = toArgs(values);
      if (returnsData) {
        const rows = (statement.all(bound) as unknown[][]).map((raw) => new rowType(raw.map(fromSql)));
        return new Result(columns, [], rows, 0, undefined);
      }
      const info = statement.run(bound) as { changes: number; lastInsertRowid: number | bigint };
      return new Result([], [], [], info.changes, BigInt(info.lastInsertRowid));
    } catch (e) {
      throw mapError(e);
    }
  }

  /**
   * Every method waits inline (`while (this.held) await this.held`) and then goes on without another
   * await: resuming from an awaited helper would leave a gap in which a transaction could take the
   * connection, and the statement would run inside it. This then checks the client and, for a statement
   * that runs on its own, commits the queued writes first.
   */
  private ready(alone: boolean): void {
    if (this.closed) throw new LibsqlError("The client is closed", "CLIENT_CLOSED");
    if (alone) this.flush();
  }

  async execute(stmtOrSql: InStatement | string, args?: InArgs): Promise<ResultSet> {
    const kind = statementKind(sqlOf(stmtOrSql));
    while (this.held) await this.held;
    this.ready(kind === "alone");
    if (kind !== "write") return this.run(stmtOrSql, args);
    return this.queued(() => this.run(stmtOrSql, args));
  }

  private inTransaction<T>(begin: string, work: () => T): T {
    this.run(begin);
    try {
      const result = work();
      this.run("COMMIT");
      return result;
    } catch (e) {
      if (this.db.inTransaction) this.run("ROLLBACK");
      throw e;
    }
  }

  /**
   * Queues a write for this event-loop turn's transaction and settles with its outcome once that
   * transaction has committed: nobody learns a result that could still be undone. Reads meanwhile run
   * at once and see only what is committed, as if they came before the queued writes.
   */
  private queued<T>(work: (shared: boolean) => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (!this.pending) {
        const writes: QueuedWrite[] = [];
        this.pending = writes;
        const commitAtTurnEnd = () => {
          if (this.pending !== writes) return;
          // Queued just before a transaction took the connection: commit once it has ended.
          if (this.held) void this.held.then(() => setImmediate(commitAtTurnEnd));
          else this.flush();
        };
        setImmediate(commitAtTurnEnd);
      }
      this.pending.push({ work, resolve: resolve as (value: unknown) => void, reject });
    });
  }

  /** Runs the queued writes in one transaction, in the order they came, and settles them once it commits. */
  private flush(): void {
    const writes = this.pending;
    this.pending = null;
    if (writes) this.commitTogether(writes);
  }

  private commitTogether(writes: QueuedWrite[]): void {
    try {
      this.run(BEGIN.write);
    } catch (e) {
      for (const w of writes) w.reject(e);
      return;
    }
    const outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
    const shared = writes.length > 1;
    for (const [i, write] of writes.entries()) {
      try {
        outcomes.push({ ok: true, value: write.work(shared) });
      } catch (e) {
        if (!this.db.inTransaction) {
          // SQLite undid the whole transaction (a full disk, an I/O error): the writes before this one went
          // with it and fail with its error; the ones after it get a transaction of their own.
          for (const undone of writes.slice(0, i + 1)) undone.reject(e);
          this.commitTogether(writes.slice(i + 1));
          return;
        }
        // A statement's error undoes that statement only; the others stand.
        outcomes.push({ ok: false, error: e });
      }
    }
    // A write alone in its transaction that failed is undone with it: whatever it ran before failing goes too.
    const undo = !shared && outcomes[0]?.ok === false;
    try {
      this.run(undo ? "ROLLBACK" : "COMMIT");
    } catch (e) {
      if (this.db.inTransaction) this.run("ROLLBACK");
      for (const w of writes) w.reject(e);
      return;
    }
    for (const [i, outcome] of outcomes.entries()) {
      if (outcome.ok) writes[i]?.resolve(outcome.value);
      else writes[i]?.reject(outcome.error);
    }
  }

  async batch(stmts: Array<InStatement | [string, InArgs?]>, mode: TransactionMode = "deferred"): Promise<ResultSet[]> {
    const kinds = stmts.map((s) => statementKind(sqlOf(s)));
    const alone = kinds.includes("alone");
    while (this.held) await this.held;
    this.ready(alone);
    if (alone || kinds.every((k) => k === "read")) return this.inTransaction(BEGIN[mode], () => stmts.map((s) => this.run(s)));
    // Atomic inside the turn's transaction. Shared with other writes, a savepoint undoes this batch alone if
    // one of its statements fails; alone in it (the audit append under load, usually), the transaction's
    // rollback does, without the savepoint's two statements.
    return this.queued((shared) => {
      if (!shared) return stmts.map((s) => this.run(s));
      this.run("SAVEPOINT batch");
      try {
        const results = stmts.map((s) => this.run(s));
        this.run("RELEASE batch");
        return results;
      } catch (e) {
        if (this.db.inTransaction) {
          this.run("ROLLBACK TO batch");
          this.run("RELEASE batch");
        }
        throw e;
      }
    });
  }

  async migrate(stmts: InStatement[]): Promise<ResultSet[]> {
    while (this.held) await this.held;
    this.ready(true);
    this.run("PRAGMA foreign_keys=off");
    try {
      return this.inTransaction(BEGIN.deferred, () => stmts.map((s) => this.run(s)));
    } finally {
      this.run("PRAGMA foreign_keys=on");
    }
  }

  async transaction(mode: TransactionMode = "write"): Promise<Transaction> {
    while (this.held) await this.held;
    // Queued writes commit first (ready): none is left for a turn's end that would find the connection
    // inside this transaction.
    this.ready(true);
    // Begun before the connection is marked held: a BEGIN that fails leaves nothing waiting on it.
    this.run(BEGIN[mode]);
    let release: () => void = () => {};
    this.held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let open = true;
    const end = (sql: "COMMIT" | "ROLLBACK") => {
      if (!open) return;
      open = false;
      try {
        if (this.db.inTransaction) this.run(sql);
      } finally {
        this.held = null;
        release();
      }
    };
    const client = this;
    return {
      async execute(stmt: InStatement) {
        if (!open) throw new LibsqlError("The transaction is closed", "TRANSACTION_CLOSED");
        return client.run(stmt);
      },
      async batch(stmts: InStatement[]) {
        if (!open) throw new LibsqlError("The transaction is closed", "TRANSACTION_CLOSED");
        return stmts.map((s) => client.run(s));
      },
      async executeMultiple(sql: string) {
        client.db.exec(sql);
      },
      async commit() {
        end("COMMIT");
      },
      async rollback() {
        end("ROLLBACK");
      },
      close() {
        end("ROLLBACK");
      },
      get closed() {
        return !open;
      },
    } as Transaction;
  }

  async executeMultiple(sql: string): Promise<void> {
    while (this.held) await this.held;
    this.ready(true);
    try {
      this.db.exec(sql);
    } catch (e) {
      throw mapError(e);
    }
  }

  async sync(): Promise<Replicated> {
    return undefined;
  }

  reconnect(): void {
    throw new LibsqlError("An embedded client cannot reconnect; open a new one", "UNSUPPORTED");
  }

  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    this.cache.clear();
    this.db.close();
  }
}
