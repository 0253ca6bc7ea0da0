import type { TtlCache } from "../../lib/ttl-cache";
import type { SikkaClient } from "./client";
import type { SikkaCredentials } from "./credentials";
import { SikkaProtocolError } from "./errors";
import { findAuthorizedPractice } from "./onboarding";
import { type SikkaRow, text } from "./values";

/** How long a practice's rarely-changing lookups are kept, and how soon a failed one is tried again. */
export const FACTS_TTL_MS = 60 * 60_000;
export const FACTS_RETRY_MS = 30_000;

/**
 * Per-practice lookups that change rarely (PMS name, customer id, cancel status, note type, payment
 * types), each loaded on first use and cached on its own in the definition's cache. A lookup that
 * fails is not kept as an empty answer: the caller gets the error, and the next use after a short
 * pause asks Sikka again.
 */
export class PracticeFacts {
  constructor(
    private readonly cache: TtlCache<string, unknown>,
    private readonly client: SikkaClient,
    private readonly credentials: SikkaCredentials,
    private readonly accountId: string,
  ) {}

  private fact<T>(name: string, load: () => Promise<T>): Promise<T> {
    return this.cache.get(`${this.accountId}:${name}`, load) as Promise<T>;
  }

  /** The practice-management system Sikka reports for this office and practice ("" when unnamed). */
  pms(): Promise<string> {
    return this.fact("pms", async () => {
      const mine = await findAuthorizedPractice((query) => this.client.asApp("GET", "/authorized_practices", query), this.credentials);
      return mine ? text(mine, "practice_management_system") : "";
    });
  }

  /**
   * The customer id the practice's chairs are listed under, from the practice's own row. A request key
   * belongs to the whole office, so the list may hold its other practices too (each with its own
   * customer id): another practice's id would read that practice's chairs, and this practice's bookings
   * would be checked against none of its own. No row of this practice fails the read rather than guess.
   */
  custId(): Promise<string | null> {
    if (this.credentials.custId) return Promise.resolve(this.credentials.custId);
    return this.fact("custId", async () => {
      const practices = await this.client.get("/practices");
      const mine = practices.find((p) => this.client.owns(p));
      if (!mine) throw new SikkaProtocolError("Sikka's practice list does not include this practice");
      return text(mine, "cust_id") || null;
    });
  }

  /** The appointment status that means cancelled (else "broken"), from the practice's own variables. */
  cancelStatus(): Promise<string | null> {
    return this.fact("cancelStatus", async () => {
      const statuses = await this.client.get("/practice_variables", { service_name: "Appointment Status" });
      const statusValue = (re: RegExp) => statuses.find((s) => re.test(text(s, "value")) || re.test(text(s, "description")));
      return text(statusValue(/cancel/i) ?? statusValue(/broken/i) ?? {}, "value") || null;
    });
  }

  noteType(): Promise<string | null> {
    return this.fact("noteType", async () => {
      const noteTypes = await this.client.get("/note_types");
      const noteType = noteTypes.find((n) => /pat/i.test(text(n, "type"))) ?? noteTypes[0];
      return noteType ? text(noteType, "type") : null;
    });
  }

  /**
   * The practice's patient payment types: every `payment_types` row except the insurance, adjustment and
   * debit-adjustment ones, which Sikka returns only through its query filters (rows carry no kind).
   */
  paymentTypes(): Promise<SikkaRow[]> {
    return this.fact("paymentTypes", async () => {
      const [all, insurance, adjustment, debit] = await Promise.all([
        this.client.getAll("/payment_types", {}, 500),
        this.client.getAll("/payment_types", { is_insurance_type: "true" }, 500),
        this.client.getAll("/payment_types", { is_adjustment_type: "true" }, 500),
        this.client.getAll("/payment_types", { is_debit_adjustment_type: "true" }, 500),
      ]);
      const excluded = new Set([...insurance.rows, ...adjustment.rows, ...debit.rows].map((t) => text(t, "code")));
      return all.rows.filter((t) => text(t, "code") && !excluded.has(text(t, "code")));
    });
  }
}
