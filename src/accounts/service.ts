import { and, eq, inArray } from "drizzle-orm";
import type { Database } from "../db/client";
import { accounts, vapiBindings } from "../db/schema";
import { sqlNow } from "../db/schema/columns";
import { DEFAULT_APPOINTMENT_TYPES, DEFAULT_OFFICE_HOURS, type PracticeSettings } from "../domain/practice";
import { isValidTimezone } from "../domain/time";
import type { Clock } from "../lib/clock";
import { AppError } from "../lib/errors";
import { newId } from "../lib/ids";
import { TtlCache } from "../lib/ttl-cache";
import type { CreateAccountInput, UpdateAccountInput } from "./model";

export type AccountRow = typeof accounts.$inferSelect;
export type AccountRecord = AccountRow & { vapiPhoneNumberIds: string[]; vapiPhoneNumbers: string[]; vapiAssistantIds: string[] };
export type BindingKind = "phone_number" | "phone_e164" | "assistant";
type BindingLists = { phone_number?: string[] | undefined; phone_e164?: string[] | undefined; assistant?: string[] | undefined };
const BINDING_FIELDS: Record<BindingKind, string> = { phone_number: "vapiPhoneNumberIds", phone_e164: "vapiPhoneNumbers", assistant: "vapiAssistantIds" };

export const practiceOf = (a: AccountRow): PracticeSettings => ({
  accountId: a.id,
  timezone: a.timezone,
  currency: a.currency,
  officeHours: a.officeHours,
  defaultDurationMinutes: a.defaultDurationMinutes,
  slotStepMinutes: a.slotStepMinutes,
  appointmentTypes: a.appointmentTypes,
});

function checkSettings(input: Partial<CreateAccountInput>) {
  if (input.timezone !== undefined && !isValidTimezone(input.timezone)) {
    throw new AppError("VALIDATION", "timezone: not a known IANA time zone");
  }
  for (const [day, intervals] of Object.entries(input.officeHours ?? {})) {
    for (const [open, close] of intervals ?? []) {
      if (open >= close) throw new AppError("VALIDATION", `officeHours.${day}: each interval must open before it closes`);
    }
  }
  const names = (input.appointmentTypes ?? []).map((t) => t.name);
  if (new Set(names).size !== names.length) throw new AppError("VALIDATION", "appointmentTypes: names must be unique");
}

/**
 * How long a clinic's settings may be served from memory (every request reads them): a change made on
 * another instance (disabling a clinic, a new phone-number binding) is seen everywhere within this.
 */
const CACHE_MS = 5_000;

/** Clinics and the Vapi ids they registered. */
export class AccountService {
  private readonly cache: TtlCache<string, AccountRecord | undefined>;
  private readonly bindingCache: TtlCache<string, string | undefined>;

  constructor(
    private readonly db: Database,
    clock?: Clock,
  ) {
    const now = clock ? () => clock.now().getTime() : undefined;
    this.cache = new TtlCache({ ttlMs: CACHE_MS, ...(now ? { now } : {}) });
    this.bindingCache = new TtlCache({ ttlMs: CACHE_MS, ...(now ? { now } : {}) });
  }

  /**
   * A clinic by id, from a 5-second cache: changes made through this process show at once (the cache
   * is dropped), changes made by another instance within 5 seconds.
   */
  find(id: string): Promise<AccountRecord | undefined> {
    return this.cache.get(id, () => this.get(id));
  }

  private forget() {
    this.cache.clear();
    this.bindingCache.clear();
  }

  async create(input: CreateAccountInput): Promise<AccountRecord> {
    checkSettings(input);
    this.forget();
    const id = newId("account");
    await this.db.insert(accounts).values({
      id,
      name: input.name,
      timezone: input.timezone,
      currency: input.currency ?? "USD",
      officeHours: input.officeHours ?? DEFAULT_OFFICE_HOURS,
      defaultDurationMinutes: input.defaultDurationMinutes ?? 30,
      slotStepMinutes: input.slotStepMinutes ?? 15,
      appointmentTypes: input.appointmentTypes ?? DEFAULT_APPOINTMENT_TYPES,
      callSummaryNotes: input.callSummaryNotes ?? false,
      frontDeskNumber: input.frontDeskNumber ?? null,
      phonePayments: input.phonePayments ?? false,
      allowPrepayment: input.allowPrepayment ?? false,
      restCallerGate: input.restCallerGate ?? true,
    });
    await this.replaceBindings(id, { phone_number: input.vapiPhoneNumberIds, phone_e164: input.vapiPhoneNumbers, assistant: input.vapiAssistantIds });
    const created = await this.get(id);
    if (!created) throw new AppError("INTERNAL", "The new clinic could not be read back.");
    return created;
  }

  async update(id: string, input: UpdateAccountInput): Promise<AccountRecord | undefined> {
    checkSettings(input);
    this.forget();
    const { vapiPhoneNumberIds, vapiPhoneNumbers, vapiAssistantIds, ...fields } = input;
    if (!(await this.get(id))) return undefined;
    if (Object.keys(fields).length > 0) {
      await this.db
        .update(accounts)
        .set({ ...fields, updatedAt: sqlNow })
        .where(eq(accounts.id, id));
    }
    await this.replaceBindings(id, { phone_number: vapiPhoneNumberIds, phone_e164: vapiPhoneNumbers, assistant: vapiAssistantIds });
    return this.get(id);
  }

  async get(id: string): Promise<AccountRecord | undefined> {
    const [row] = await this.db.select().from(accounts).where(eq(accounts.id, id));
    if (!row) return undefined;
    return (await this.withBindings([row]))[0];
  }

  async list(): Promise<AccountRecord[]> {
    return this.withBindings(await this.db.select().from(accounts).orderBy(accounts.createdAt, accounts.id));
  }

  /** The account that registered a Vapi phone-number or assistant id, if any. */
  accountIdForBinding(kind: BindingKind, externalId: string): Promise<string | undefined> {
    return this.bindingCache.get(`${kind}:${externalId}`, () => this.lookupBinding(kind, externalId));
  }

  private async lookupBinding(kind: BindingKind, externalId: string): Promise<string | undefined> {
    const [row] = await this.db
      .select({ accountId: vapiBindings.accountId })
      .from(vapiBindings)
      .where(and(eq(vapiBindings.kind, kind), eq(vapiBindings.externalId, externalId)));
    return row?.accountId;
  }

  private async replaceBindings(accountId: string, lists: BindingLists) {
    this.forget();
    for (const kind of Object.keys(BINDING_FIELDS) as BindingKind[]) {
      const ids = lists[kind];
      if (ids === undefined) continue;
      const unique = [...new Set(ids)];
      if (unique.length > 0 && (await this.ownersOtherThan(accountId, kind, unique)).length > 0) {
        throw new AppError("VALIDATION", `${BINDING_FIELDS[kind]}: already registered by another account`);
      }
      await this.db.batch([
        this.db.delete(vapiBindings).where(and(eq(vapiBindings.accountId, accountId), eq(vapiBindings.kind, kind))),
        ...unique.map((externalId) => this.db.insert(vapiBindings).values({ kind, externalId, accountId })),
      ]);
    }
  }

  private async ownersOtherThan(accountId: string, kind: BindingKind, ids: string[]) {
    const rows = await this.db
      .select({ accountId: vapiBindings.accountId })
      .from(vapiBindings)
      .where(and(eq(vapiBindings.kind, kind), inArray(vapiBindings.externalId, ids)));
    return rows.filter((r) => r.accountId !== accountId);
  }

  private async withBindings(rows: AccountRow[]): Promise<AccountRecord[]> {
    if (rows.length === 0) return [];
    const bindings = await this.db
      .select()
      .from(vapiBindings)
      .where(
        inArray(
          vapiBindings.accountId,
          rows.map((r) => r.id),
        ),
      );
    return rows.map((r) => ({
      ...r,
      vapiPhoneNumberIds: bindings.filter((b) => b.accountId === r.id && b.kind === "phone_number").map((b) => b.externalId),
      vapiPhoneNumbers: bindings.filter((b) => b.accountId === r.id && b.kind === "phone_e164").map((b) => b.externalId),
      vapiAssistantIds: bindings.filter((b) => b.accountId === r.id && b.kind === "assistant").map((b) => b.externalId),
    }));
  }
}
