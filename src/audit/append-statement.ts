import type { InValue } from "@libsql/client";
import { getTableColumns } from "drizzle-orm";
import { pmsAuditLogs } from "../db/schema";
import type { ChainedContent } from "./chain";

/** A row of a batch with its link: its hash covers its content and the hash of the row before it. */
export type LinkedRow = { content: ChainedContent; hash: string };
export type LinkedBatch = { chainKeyId: string; firstPrevHash: string; rows: LinkedRow[] };

/** What each row binds of its own, in column order. */
const OWN: Array<keyof ChainedContent | "hash"> = [
  "accountId",
  "callId",
  "toolCallId",
  "action",
  "patientId",
  "phiAccessed",
  "success",
  "statusCode",
  "errorCode",
  "responseTime",
  "requestId",
  "actor",
  "createdAt",
  "hash",
];

/** Rows per INSERT at most: its parameters stay far below SQLite's limit. */
const MAX_ROWS_PER_STATEMENT = 64;

/**
 * The statements that append a batch of linked rows to `pms_audit_logs`. Every row's `prev_hash` is
 * the hash of the row before it, so a row binds only its own values: `prev_hash` refers to the previous
 * row's `hash` parameter (`?N`), and the chain key id, the same for the whole batch, is bound once. A
 * row then binds 14 values instead of 16, among them one 64-character hash instead of two; binding is
 * a good part of what an append costs, and every request appends a row.
 */
export class AppendStatement {
  private readonly texts = new Map<number, string>();
  private readonly prefix: string;
  private readonly booleans: boolean[];

  constructor() {
    const columns = getTableColumns(pmsAuditLogs);
    const linked = ["id", ...OWN, "prevHash", "chainKeyId"];
    const names = Object.keys(columns);
    // Written for this table: a column added, removed or renamed must be thought through here first.
    if (names.length !== linked.length || linked.some((key) => !(key in columns))) throw new Error("audit append: the table's columns changed");
    const kinds = OWN.map((key) => columns[key].columnType);
    if (kinds.some((kind) => kind !== "SQLiteText" && kind !== "SQLiteInteger" && kind !== "SQLiteBoolean")) {
      throw new Error("audit append: a column is neither text, integer nor boolean");
    }
    this.booleans = kinds.map((kind) => kind === "SQLiteBoolean");
    const column = (key: keyof typeof columns) => `"${columns[key].name}"`;
    this.prefix = `insert into "pms_audit_logs" (${[...OWN, "prevHash", "chainKeyId"].map((key) => column(key as keyof typeof columns)).join(", ")}) values `;
  }

  /** The batch's statements, in order: run in one transaction, each row's chain check sees the row before it. */
  statements(batch: LinkedBatch): Array<{ sql: string; args: InValue[] }> {
    const out: Array<{ sql: string; args: InValue[] }> = [];
    let prev = batch.firstPrevHash;
    for (let at = 0; at < batch.rows.length; at += MAX_ROWS_PER_STATEMENT) {
      const rows = batch.rows.slice(at, at + MAX_ROWS_PER_STATEMENT);
      const args: InValue[] = [batch.chainKeyId, prev];
      for (const row of rows) {
        for (let i = 0; i < OWN.length; i++) {
          const value = OWN[i] === "hash" ? row.hash : row.content[OWN[i] as keyof ChainedContent];
          args.push(this.booleans[i] ? (value ? 1 : 0) : (value as InValue));
        }
      }
      out.push({ sql: this.text(rows.length), args });
      prev = rows[rows.length - 1]?.hash ?? prev;
    }
    return out;
  }

  /** `?1` the chain key id, `?2` the first row's previous hash, then each row's own values. */
  private text(rows: number): string {
    let text = this.texts.get(rows);
    if (!text) {
      const tuples: string[] = [];
      for (let r = 0; r < rows; r++) {
        const first = 3 + OWN.length * r;
        const own = OWN.map((_, i) => `?${first + i}`);
        const prevHash = r === 0 ? "?2" : `?${first - 1}`;
        tuples.push(`(${own.join(", ")}, ${prevHash}, ?1)`);
      }
      text = this.prefix + tuples.join(", ");
      this.texts.set(rows, text);
    }
    return text;
  }
}
