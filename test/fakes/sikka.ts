// Longer than 300 lines on purpose: one fake of Sikka's v4 API (authentication, data routes,
// pagination, writebacks and their failure modes) whose parts share one in-memory practice state.
/**
 * A local fake of Sikka's ONE API v4 that reproduces its documented wire format and its traps
 * (sikka.md part A): every value a string, `offset` as a page index, 204 for empty results, request
 * keys that expire with API1025 (HTTP 400), several practices under one office and app, asynchronous
 * writebacks polled through `writeback_status`, the SPU-offline 412, and 429 rate limits.
 */
type Row = Record<string, string>;

export type FakePractice = {
  officeId: string;
  secretKey: string;
  practiceId: string;
  custId: string;
  pms: string;
  /** How Sikka reports the practice's zone: a Windows name, e.g. "Eastern Standard Time". */
  windowsTimeZone: string;
  patients: Row[];
  appointments: Row[];
  providers: Row[];
  operatories: Row[];
  balances: Row[];
  subscribers: Row[];
  companies: Row[];
  slots: Row[];
  notes: Row[];
  transactions: Row[];
  /** Appointment changes as `practice_events` reports them, with the fake-clock time Sikka loaded each. */
  events: Array<{ at: number; flag: "added" | "updated" | "deleted"; row: Row; changes: Array<{ field: string; old_value: string; new_value: string }> }>;
};

type Writeback = {
  id: string;
  officeId: string;
  practiceId: string;
  api: string;
  method: string;
  /** The request body as Sikka keeps it (`api_request_body`: a JSON string). */
  requestBody: string;
  pollsLeft: number;
  /** Fake-clock time from which the writeback counts as done (minutes after the request, at worst). */
  doneAt: number;
  apply: () => Row;
  error?: string;
  result?: Row;
  deleted?: boolean;
};

export type FakeSikkaOptions = {
  appId: string;
  appKey: string;
  /**
   * Keep every call for the test to inspect (the default). A benchmark turns it off: a list that grows by
   * one entry per call grows the fake's heap, and its collector's pauses delay answers, which would
   * count as the gateway's latency. The answers are the same either way.
   */
  recordCalls?: boolean;
};

const s = (v: unknown) => String(v);

/** A practice's payment types as Sikka's examples show them (codes like "6", "3.50"), with their kind. */
const PAYMENT_TYPES: Array<{ code: string; description: string; kind: "is_insurance_type" | "is_adjustment_type" | "is_debit_adjustment_type" | null }> = [
  { code: "9", description: "Insurance Payment", kind: "is_insurance_type" },
  { code: "11", description: "Courtesy Adjustment", kind: "is_adjustment_type" },
  { code: "12", description: "Debit Adjustment Cash", kind: "is_debit_adjustment_type" },
  { code: "1", description: "Cash Payment", kind: null },
  { code: "6", description: "Check Payment' Thank You", kind: null },
  { code: "3.50", description: "Visa/MasterCard Payment", kind: null },
];

const withoutFields = (row: Row, fields: string[]): Row => Object.fromEntries(Object.entries(row).filter(([k]) => !fields.includes(k)));

/** A patient item's default fields, in the order of Sikka's own example; the rest come only when asked for. */
const PATIENT_DEFAULT_FIELDS = [
  "href",
  "patient_id",
  "guarantor_id",
  "firstname",
  "middlename",
  "lastname",
  "preferred_name",
  "salutation",
  "birthdate",
  "status",
  "address_line1",
  "address_line2",
  "city",
  "state",
  "zipcode",
  "cell",
  "email",
  "first_visit",
  "last_visit",
  "provider_id",
  "practice_id",
  "appointment_href",
  "primary_insurance_company_id",
  "primary_relationship",
  "primary_medical_insurance",
  "subscriber_id",
  "fee_no",
  "guarantor_first_name",
  "guarantor_last_name",
  "created_date",
  "preferred_contact",
  "preferred_communication_method",
];

/**
 * An appointment item's default fields, as far as Sikka's own example lists them (it ends in "…", so the
 * real set is larger still); the chair (`operatory`) and `cancelled` come only when asked for.
 */
const APPOINTMENT_DEFAULT_FIELDS = [
  "href",
  "patient_id",
  "guarantor_id",
  "provider_id",
  "practice_id",
  "amount",
  "status",
  "note",
  "appointment_sr_no",
  "date",
  "time",
  "length",
  "description",
  "appointment_made_date",
  "type",
  "procedure_code1",
  "procedure_code1_amount",
  "patient_name",
  "guarantor_name",
];

/** A balance item's fields that are about who it is for (Sikka documents no default set for it). */
const BALANCE_DEFAULT_FIELDS = ["patient_id", "firstname", "lastname", "practice_id", "current_date", "practice_name", "customer_id", "chart_number"];

/**
 * The fields of an item as Sikka answers them: its default set plus what `fields=a,b` adds, every field
 * for `fields=get_all`, and only the listed ones for `lightweight=true&fields=a,b`. A default field the
 * row lacks is sent as "", as Sikka sends an empty value; an unknown field asked for is left out.
 */
function fieldView(full: Row, defaults: string[], url: URL, honourLightweight: boolean): Row {
  const asked = (url.searchParams.get("fields") ?? "").split(",").filter((f) => f !== "");
  if (asked.includes("get_all")) return full;
  const lightweight = honourLightweight && url.searchParams.get("lightweight") === "true" && asked.length > 0;
  const names = lightweight ? asked : [...defaults, ...asked.filter((f) => !defaults.includes(f))];
  const view: Row = {};
  for (const name of names) {
    const value = full[name] ?? (defaults.includes(name) ? "" : undefined);
    if (value !== undefined) view[name] = value;
  }
  return view;
}

export function startFakeSikka(options: FakeSikkaOptions) {
  const practices: FakePractice[] = [];
  const keys = new Map<string, { officeId: string; refreshKey: string; expiresAt: number }>();
  const writebacks = new Map<string, Writeback>();
  const calls: Array<{ method: string; path: string; query: string; practiceId?: string; body?: Record<string, unknown>; keyOffice?: string }> = [];
  const counters = { requestKeyGrants: 0, refreshGrants: 0, writebackPolls: 0, writebackDeletes: 0 };
  /** Data requests in flight per practice right now, and the most ever seen at once. */
  const inFlight = new Map<string, number>();
  const maxInFlight = new Map<string, number>();
  const inFlightWaiters = new Set<{ practice: string; count: number; resolve: () => void }>();
  const behaviour = {
    /** Polls of writeback_status before a writeback completes (0 = done at the first poll). */
    writebackPolls: 0,
    writebackError: null as string | null,
    spuOffline: false,
    /** The next N data requests answer 429 with Retry-After (the per-window limit). */
    rateLimitNext: 0,
    /** The next N data requests answer 429 API2012: the practice's daily request cap is spent. */
    dailyCapNext: 0,
    /** X-Rate-Limit-Remaining to report (null: the window is far from spent). */
    rateLimitRemaining: null as number | null,
    retryAfterSeconds: 1,
    /** The next N data requests answer 503. */
    failNext: 0,
    /** Delay every data response by this many ms (to trip timeouts). */
    delayMs: 0,
    /** Delay only writes (POST/PUT/PATCH) by this many ms, after applying nothing: the write lands late. */
    writeDelayMs: 0,
    /** Ignore `search=` and `find=` on /patients, as a PMS whose search Sikka cannot filter would. */
    ignorePatientFilters: false,
    /** Ignore `lightweight=true` on patients and appointments: the default fields come with the listed ones (it is documented, not promised). */
    ignoreLightweight: false,
    /**
     * Answer `/practices` with every practice of the office, as if `practice_id=` were not applied: the
     * request key is the office's, and a list that leaves the filter out still answers 200.
     */
    ignorePracticeFilter: false,
    /** Answer `/patient_balance` with every balance item of the practice, as if `patient_id=` were not applied. */
    ignoreBalanceFilter: false,
    /** Answer every data call with this raw response instead (hostile or broken upstream). */
    rawResponse: null as null | (() => Response),
    /** Point `pagination.next` at another origin (a hostile or broken response). */
    nextLinkOrigin: null as string | null,
    /** Writeback_status answers 403 (some plans cannot call it). */
    writebackStatusForbidden: false,
    /** Answer `Data-Insert: in progress`: the practice's data is still being (re)loaded. */
    dataInsertInProgress: false,
    /** Writebacks complete only this long (fake clock) after the request: minutes, as documented. */
    writebackDurationMs: 0,
    /** The next write is queued (and will apply) but answered with this status instead (502 or 504). */
    lostWriteAnswer: 0 as 0 | 502 | 504,
    /** A pending writeback completes just before a DELETE for it arrives (which Sikka then refuses). */
    completeBeforeDelete: false,
  };
  let seq = 1000;
  let now = () => Date.now();

  const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
    new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });
  const sikkaError = (http: number, code: string, short: string, long: string) =>
    json(http, { http_code: s(http), http_code_desc: short, error_code: code, short_message: short, long_message: long, more_information: "" });
  const noContent = () => new Response(null, { status: 204 });
  /** Sikka's rate-limit headers: a 60 s window; `remaining` as configured by the test. */
  const rateHeaders = (remaining: number | null = behaviour.rateLimitRemaining): Record<string, string> => ({
    "x-rate-limit-limit": "600",
    "x-rate-limit-remaining": s(remaining ?? 550),
    "x-rate-limit-reset": "60",
  });

  /**
   * A list envelope as Sikka sends it. Its `pagination` links carry only `offset` and `limit` (the
   * request's filters are dropped) and use `http://`, as in Sikka's own examples: a client that follows
   * them gets other rows than it asked for.
   */
  function list(url: URL, rows: Row[], extraHeaders: Record<string, string> = {}, view: (row: Row) => Row = (row) => row) {
    const limit = Math.min(Number(url.searchParams.get("limit") ?? "50"), 5000);
    const page = Number(url.searchParams.get("offset") ?? "0"); // a page index, not a row offset
    if (rows.length === 0) return noContent();
    const items = rows.slice(page * limit, page * limit + limit).map(view);
    const base = `${behaviour.nextLinkOrigin ?? url.origin.replace(/^https?:/, "http:")}${url.pathname}`;
    const link = (p: number) => `${base}?offset=${p}&limit=${limit}`;
    const last = Math.max(0, Math.ceil(rows.length / limit) - 1);
    return json(
      200,
      {
        offset: s(page),
        limit: s(limit),
        total_count: s(rows.length),
        execution_time: "12",
        pagination: {
          first: link(0),
          previous: page > 0 ? link(page - 1) : "",
          current: link(page),
          next: page < last ? link(page + 1) : "",
          last: link(last),
        },
        items,
      },
      extraHeaders,
    );
  }

  function issueKey(officeId: string) {
    const requestKey = crypto.randomUUID().replaceAll("-", "");
    const refreshKey = crypto.randomUUID().replaceAll("-", "");
    const start = now();
    keys.set(requestKey, { officeId, refreshKey, expiresAt: start + 24 * 3600_000 });
    const fmt = (ms: number) => new Date(ms).toISOString().slice(0, 19);
    return {
      href: "",
      request_key: requestKey,
      start_time: fmt(start),
      end_time: fmt(start + 24 * 3600_000),
      expires_in: "86400 second(s)",
      issued_to: officeId,
      status: "active",
      request_count: "0",
      scope: "",
      domain: "Dental",
      refresh_key: refreshKey,
    };
  }

  function startWriteback(p: FakePractice, api: string, apply: () => Row, req?: { method: string; body: Record<string, unknown> }): Response {
    if (behaviour.spuOffline)
      return json(412, {
        http_code: "412",
        error_code: "API2017",
        short_message: "Precondition Failed",
        long_message: "Sikka platform utility is offline",
        more_information: "",
      });
    const id = s(++seq);
    writebacks.set(id, {
      id,
      officeId: p.officeId,
      practiceId: p.practiceId,
      api,
      method: req?.method ?? "POST",
      requestBody: JSON.stringify(req?.body ?? {}),
      pollsLeft: behaviour.writebackPolls,
      doneAt: now() + behaviour.writebackDurationMs,
      apply,
      ...(behaviour.writebackError ? { error: behaviour.writebackError } : {}),
    });
    // The write was queued, but the answer is lost on the way back (a proxy's 502 or 504).
    if (behaviour.lostWriteAnswer) {
      const status = behaviour.lostWriteAnswer;
      behaviour.lostWriteAnswer = 0;
      return json(status, { http_code: s(status), error_code: status === 504 ? "API2022" : "", short_message: "Bad Gateway" });
    }
    return json(201, {
      http_code: "201",
      error_code: "API2016",
      short_message: "New resource created successfully",
      long_message: `Id:${id}`,
      more_information: `https://api.sikkasoft.com/v4/writeback_status?id=${id}`,
    });
  }

  /** Sikka's sync loaded a change to an appointment: `practice_events` reports it from now on. */
  function recordEvent(p: FakePractice, flag: "added" | "updated" | "deleted", row: Row, before: Row | null = null) {
    const changes = before
      ? Object.keys(row)
          .filter((k) => before[k] !== row[k])
          .map((k) => ({ field: k, old_value: before[k] ?? "", new_value: row[k] ?? "" }))
      : [];
    p.events.push({ at: now(), flag, row: { ...row }, changes });
  }

  /** Each stored row as its item (`item`), cut to the fields this request asks for. */
  const asAsked =
    (url: URL, defaults: string[], item: (row: Row) => Row) =>
    (row: Row): Row =>
      fieldView(item(row), defaults, url, !behaviour.ignoreLightweight);

  /** A stored patient with what Sikka derives for every item: its links and its guarantor's name. */
  function patientItem(p: FakePractice, row: Row): Row {
    const guarantor = p.patients.find((g) => g.patient_id === row.guarantor_id);
    return {
      href: `https://api.sikkasoft.com/v4/practices/${p.practiceId}/patients/${row.patient_id}`,
      appointment_href: `https://api.sikkasoft.com/v4/practices/${p.practiceId}/appointments?patient_id=${row.patient_id}`,
      guarantor_first_name: guarantor?.firstname ?? "",
      guarantor_last_name: guarantor?.lastname ?? "",
      ...row,
    };
  }

  /** A stored appointment with what Sikka derives for every item: its link and the people's names. */
  function appointmentItem(p: FakePractice, row: Row): Row {
    const patient = p.patients.find((r) => r.patient_id === row.patient_id);
    const guarantor = p.patients.find((r) => r.patient_id === patient?.guarantor_id);
    const name = (r: Row | undefined) => (r ? `${r.firstname ?? ""} ${r.lastname ?? ""}`.trim() : "");
    return {
      href: `https://api.sikkasoft.com/v4/practices/${p.practiceId}/appointments/${row.appointment_sr_no}`,
      guarantor_id: patient?.guarantor_id ?? "",
      amount: "0.0000",
      appointment_made_date: "2026-01-05T00:00:00",
      procedure_code1: "D0120",
      procedure_code1_amount: "0",
      patient_name: name(patient),
      guarantor_name: name(guarantor),
      ...row,
    };
  }

  /** A stored balance with the patient's name and the practice's, as Sikka's balance items carry them. */
  function balanceItem(p: FakePractice, row: Row): Row {
    const patient = p.patients.find((r) => r.patient_id === row.patient_id);
    return {
      firstname: patient?.firstname ?? "",
      lastname: patient?.lastname ?? "",
      practice_id: p.practiceId,
      current_date: "2026-11-30T00:00:00",
      practice_name: `Practice ${p.practiceId}`,
      customer_id: p.custId,
      chart_number: patient?.chart_number ?? "",
      ...row,
    };
  }

  /** Rows of every practice under the same office and customer (a multi-location office). */
  function officeRows(p: FakePractice, kind: "providers" | "operatories"): Row[] {
    return practices.filter((x) => x.officeId === p.officeId && x.custId === p.custId).flatMap((x) => x[kind]);
  }

  function practiceFor(officeId: string, practiceId: string | null): FakePractice | null {
    return practices.find((p) => p.officeId === officeId && p.practiceId === (practiceId ?? "1")) ?? null;
  }

  const nameMatch = (value: string | undefined, wanted: string) => (value ?? "").toLowerCase().startsWith(wanted.toLowerCase());

  /** Headers Sikka adds to data answers: the rate-limit window, and Data-Insert on the synced tables. */
  const DATA_INSERT_APIS = new Set(["/transactions", "/patients", "/guarantors_v2", "/patients_v2", "/treatment_plans", "/appointments"]);
  function withSikkaHeaders(method: string, path: string, res: Response): Response {
    if (path === "/request_key" || path === "/authorized_practices") return res;
    for (const [k, v] of Object.entries(rateHeaders())) if (!res.headers.has(k)) res.headers.set(k, v);
    if (method === "GET" && DATA_INSERT_APIS.has(path)) res.headers.set("data-insert", behaviour.dataInsertInProgress ? "in progress" : "completed");
    return res;
  }

  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch: async (req) => {
      const url = new URL(req.url);
      const path = url.pathname.replace(/^\/v4/, "");
      return withSikkaHeaders(req.method, path, await handle(req, url, path));
    },
  });

  async function handle(req: Request, url: URL, path: string): Promise<Response> {
    {
      const body = req.method === "GET" ? {} : ((await req.json().catch(() => ({}))) as Record<string, unknown>);
      const practiceParam = url.searchParams.get("practice_id") ?? (typeof body.practice_id === "string" ? body.practice_id : null);
      if (options.recordCalls !== false)
        calls.push({
          method: req.method,
          path,
          query: url.search,
          ...(practiceParam ? { practiceId: practiceParam } : {}),
          ...(req.method !== "GET" && path !== "/request_key" ? { body } : {}),
          // Whose request key this call carried, to check that credentials never cross clinics.
          ...(keys.get(req.headers.get("request-key") ?? "") ? { keyOffice: keys.get(req.headers.get("request-key")!)!.officeId } : {}),
        });

      if (path === "/request_key" && req.method === "POST") {
        if (body.app_id !== options.appId || body.app_key !== options.appKey) return sikkaError(401, "API2003", "Unauthorized", "Invalid app id or app key");
        if (body.grant_type === "request_key") {
          const p = practices.find((x) => x.officeId === body.office_id && x.secretKey === body.secret_key);
          if (!p) return sikkaError(400, "API1005", "Missing Parameter", "SecretKey is missing/invalid");
          counters.requestKeyGrants++;
          return json(200, issueKey(p.officeId));
        }
        if (body.grant_type === "refresh_key") {
          const entry = [...keys.entries()].find(([, v]) => v.refreshKey === body.refresh_key);
          if (!entry) return sikkaError(400, "API1004", "Missing Parameter", "Refresh key is missing/invalid");
          counters.refreshGrants++;
          keys.delete(entry[0]);
          return json(200, issueKey(entry[1].officeId));
        }
        return sikkaError(400, "API1020", "Invalid Parameter", "grant_type");
      }

      if (path === "/authorized_practices") {
        if (req.headers.get("app-id") !== options.appId || req.headers.get("app-key") !== options.appKey)
          return sikkaError(401, "API2003", "Unauthorized", "Invalid app id or app key");
        // Documented filters are `show`, `practice_id` and `practice_name`; there is no `office_id` filter
        // (it is ignored). Without `show=all` only practice id "1" rows come back.
        const all = url.searchParams.get("show") === "all";
        const practiceFilter = url.searchParams.get("practice_id");
        const rows = practices
          .filter((p) => (all || p.practiceId === "1") && (!practiceFilter || p.practiceId === practiceFilter))
          .map((p) => ({
            href: "",
            office_id: p.officeId,
            practice_id: p.practiceId,
            secret_key: p.secretKey,
            practice_name: `Practice ${p.practiceId}`,
            practice_management_system: p.pms,
            practice_management_system_refresh_date_time_zone: p.windowsTimeZone,
            domain: "Dental",
          }));
        return list(url, rows);
      }

      // The app's own writebacks (App-Id/App-Key): listed with their request bodies, deletable while pending.
      if (path === "/writebacks") {
        if (req.headers.get("app-id") !== options.appId || req.headers.get("app-key") !== options.appKey)
          return sikkaError(401, "API2003", "Unauthorized", "Invalid app id or app key");
        if (req.method === "GET") {
          const rows = [...writebacks.values()].map((wb) => ({
            id: wb.id,
            result: wb.result ? "Success" : wb.deleted ? "deleted" : "pending",
            office_id: wb.officeId,
            method: wb.method,
            api_name: wb.api,
            api_request_body: wb.requestBody,
            command_time: "",
            completed_time: "",
            duration_in_second: "",
          }));
          return list(url, rows);
        }
        if (req.method === "DELETE") {
          const wb = writebacks.get(url.searchParams.get("id") ?? "");
          // Harsher reading: only a pending writeback can be deleted; anything else is refused (API4006).
          const pending = wb && !wb.deleted && !wb.result && !(wb.pollsLeft <= 0 && now() >= wb.doneAt);
          if (wb && pending && behaviour.completeBeforeDelete) {
            // It ran at the office a moment before the delete arrived.
            wb.pollsLeft = 0;
            wb.doneAt = 0;
            wb.result ??= wb.apply();
            return sikkaError(400, "API4006", "Bad Request", "Only pending writeback requests can be deleted");
          }
          if (!wb || !pending) return sikkaError(400, "API4006", "Bad Request", "Only pending writeback requests can be deleted");
          wb.deleted = true;
          counters.writebackDeletes++;
          return json(200, { http_code: "200", error_code: "API0002", short_message: "Deleted", long_message: "Writeback request deleted successfully" });
        }
      }

      // Everything else needs a live request key.
      const requestKey = req.headers.get("request-key");
      const key = requestKey ? keys.get(requestKey) : undefined;
      if (!key) return sikkaError(400, "API1004", "Missing Parameter", "Requestkey is missing/invalid");
      if (key.expiresAt <= now()) return sikkaError(400, "API1025", "Invalid Parameter", "Request key expired");
      const practiceKey = practiceParam ?? "?";
      inFlight.set(practiceKey, (inFlight.get(practiceKey) ?? 0) + 1);
      maxInFlight.set(practiceKey, Math.max(maxInFlight.get(practiceKey) ?? 0, inFlight.get(practiceKey)!));
      for (const waiter of [...inFlightWaiters]) {
        if ((inFlight.get(waiter.practice) ?? 0) >= waiter.count) {
          inFlightWaiters.delete(waiter);
          waiter.resolve();
        }
      }
      try {
        if (behaviour.delayMs > 0) await Bun.sleep(behaviour.delayMs);
      } finally {
        inFlight.set(practiceKey, inFlight.get(practiceKey)! - 1);
      }
      if (behaviour.writeDelayMs > 0 && req.method !== "GET") await Bun.sleep(behaviour.writeDelayMs);
      if (behaviour.rawResponse) return behaviour.rawResponse();
      if (behaviour.dailyCapNext > 0) {
        behaviour.dailyCapNext--;
        return json(
          429,
          { http_code: "429", error_code: "API2012", short_message: "Too Many Requests", long_message: "Requests per practice per day exceeded" },
          rateHeaders(0),
        );
      }
      if (behaviour.rateLimitNext > 0) {
        // The per-window limit: Sikka documents only the 429 and its headers, not an error code.
        behaviour.rateLimitNext--;
        return json(429, { http_code: "429", short_message: "Too Many Requests" }, { "retry-after": s(behaviour.retryAfterSeconds), ...rateHeaders(0) });
      }
      if (behaviour.failNext > 0) {
        behaviour.failNext--;
        return sikkaError(503, "API2002", "Service Unavailable", "Server is overloaded, please retry");
      }

      if (path === "/writeback_status") {
        counters.writebackPolls++;
        if (behaviour.writebackStatusForbidden) return sikkaError(403, "API2004", "Forbidden", "API not in your plan");
        const wb = writebacks.get(url.searchParams.get("id") ?? "");
        if (!wb || wb.officeId !== key.officeId) return noContent();
        let item: Row;
        if (wb.deleted) return noContent();
        if (wb.pollsLeft > 0 || now() < wb.doneAt) {
          if (wb.pollsLeft > 0) wb.pollsLeft--;
          item = { id: wb.id, is_completed: "False", has_error: "False", result: "pending", status: "Pending", created_id: "" };
        } else if (wb.error) {
          item = { id: wb.id, is_completed: "True", has_error: "True", result: wb.error, status: "Failed", created_id: "" };
        } else {
          wb.result ??= wb.apply();
          item = { id: wb.id, is_completed: "True", has_error: "False", result: "Success", status: "Success", created_id: wb.result.created_id ?? "" };
        }
        // writeback_status examples wrap the envelope in an array
        return json(200, [{ offset: "0", limit: "50", total_count: "1", pagination: { next: "" }, items: [item] }]);
      }

      const p = practiceFor(key.officeId, practiceParam);
      if (!p) return sikkaError(401, "API2007", "Unauthorized", "Practice hasn't allowed access");
      const q = (k: string) => url.searchParams.get(k);

      if (req.method === "GET") {
        switch (path) {
          case "/practices":
            return list(
              url,
              practices
                .filter((x) => x.officeId === p.officeId && (behaviour.ignorePracticeFilter || x === p))
                .map((x) => ({ practice_id: x.practiceId, name: `Practice ${x.practiceId}`, cust_id: x.custId })),
            );
          case "/patients": {
            let rows = p.patients;
            const patientId = q("patient_id");
            if (patientId) rows = rows.filter((r) => r.patient_id === patientId);
            const search = q("search");
            if (search && !behaviour.ignorePatientFilters) {
              const needle = search.toLowerCase();
              rows = rows.filter((r) =>
                ["firstname", "lastname", "email", "cell", "homephone", "workphone"].some((f) => (r[f] ?? "").toLowerCase().includes(needle)),
              );
            }
            if (q("firstname")) rows = rows.filter((r) => nameMatch(r.firstname, q("firstname")!));
            if (q("lastname")) rows = rows.filter((r) => nameMatch(r.lastname, q("lastname")!));
            const find = q("find");
            const dob = find?.match(/^birthdate=eq_(\d{4}-\d{2}-\d{2})$/);
            if (dob && !behaviour.ignorePatientFilters) rows = rows.filter((r) => (r.birthdate ?? "").startsWith(dob[1]!));
            return list(
              url,
              rows,
              {},
              asAsked(url, PATIENT_DEFAULT_FIELDS, (row) => patientItem(p, row)),
            );
          }
          case "/appointments": {
            let rows = p.appointments;
            const [serial, patientId, startDate, endDate] = ["appointment_sr_no", "patient_id", "startdate", "enddate"].map(q);
            if (serial) rows = rows.filter((r) => r.appointment_sr_no === serial);
            if (patientId) rows = rows.filter((r) => r.patient_id === patientId);
            if (startDate) rows = rows.filter((r) => (r.date ?? "").slice(0, 10) >= startDate);
            if (endDate) rows = rows.filter((r) => (r.date ?? "").slice(0, 10) <= endDate);
            return list(
              url,
              rows,
              {},
              asAsked(url, APPOINTMENT_DEFAULT_FIELDS, (row) => appointmentItem(p, row)),
            );
          }
          case "/practice_events": {
            // `events` names the API; `interval` (minutes, at most 1440) or a loaded date range bounds it.
            if (!q("events")) return sikkaError(400, "API1020", "Missing Parameter", "events is required");
            const interval = q("interval");
            const from = q("loaded_startdate");
            if (interval !== null && !(Number(interval) >= 1 && Number(interval) <= 1440))
              return sikkaError(400, "API1026", "Invalid Parameter", "interval must be between 1 and 1440");
            if (interval === null && from === null) return sikkaError(400, "API1020", "Missing Parameter", "interval or loaded_startdate is required");
            if (q("events") !== "appointments") return noContent();
            // The loaded range's zone is undocumented: read as UTC here (the connector uses `interval`).
            const since = interval !== null ? now() - Number(interval) * 60_000 : Date.parse(`${from}Z`);
            const until = interval === null && q("loaded_enddate") ? Date.parse(`${q("loaded_enddate")}Z`) : Number.POSITIVE_INFINITY;
            // Harsher reading: an event carries the record as `/appointments` answers it by default (the
            // chair and the cancelled flag only when asked for with `fields`), and `lightweight`, which
            // Sikka advises against here, is not honoured.
            const rows = p.events
              .filter((e) => e.at >= since && e.at <= until)
              .map((e) => ({
                ...fieldView(appointmentItem(p, e.row), APPOINTMENT_DEFAULT_FIELDS, url, false),
                flag: e.flag,
                loadeddate: new Date(e.at).toISOString().slice(0, 19),
                changes: e.changes as unknown as string,
              }));
            return list(url, rows);
          }
          case "/appointments_available_slots":
            // `end_time` and `operatory` come only with `fields=get_all`.
            return /orthotrac|dolphin/i.test(p.pms)
              ? list(
                  url,
                  p.slots
                    .filter(
                      (r) =>
                        (!q("startdate") || (r.date ?? "").slice(0, 10) >= q("startdate")!) && (!q("enddate") || (r.date ?? "").slice(0, 10) <= q("enddate")!),
                    )
                    .map((r) => (q("fields") === "get_all" ? r : withoutFields(r, ["end_time", "operatory"]))),
                )
              : noContent();
          // Harsher reading (undocumented): providers and operatories are office-wide lists, rows of every
          // location of the office, whatever `practice_id` the request names. Each row says its practice.
          case "/providers":
            return list(
              url,
              officeRows(p, "providers").filter((r) => !q("status") || (r.status ?? "").toLowerCase() === q("status")!.toLowerCase()),
            );
          case "/operatories":
            if (!q("cust_id")) return sikkaError(400, "API1020", "Missing Parameter", "cust_id is required");
            return list(
              url,
              officeRows(p, "operatories").filter((r) => r.cust_id === q("cust_id") && (!q("is_hidden") || r.is_hidden === q("is_hidden"))),
            );
          case "/patient_balance":
            // Sikka lists only the `get_all` fields of a balance. The harsher reading: by default an item
            // carries who it is about, and the amounts come only when asked for.
            return list(
              url,
              p.balances.filter((r) => behaviour.ignoreBalanceFilter || r.patient_id === q("patient_id")),
              {},
              asAsked(url, BALANCE_DEFAULT_FIELDS, (row) => balanceItem(p, row)),
            );
          case "/subscribers":
            // Sikka's subscriber fields do not include the patient: the row is only the filter's word for whose it is.
            return list(
              url,
              p.subscribers.filter((r) => r.patient_id === q("patient_id")).map((r) => withoutFields(r, ["patient_id"])),
            );
          case "/insurance_companies":
            // The carrier's name is not in the default field set: only `fields=get_all` returns it.
            return list(
              url,
              p.companies
                .filter((r) => !q("insurance_company_id") || r.insurance_company_id === q("insurance_company_id"))
                .map((r) => (q("fields") === "get_all" ? r : withoutFields(r, ["insurance_company_name"]))),
            );
          case "/practice_variables":
            return list(url, [
              { service_name: "Appointment Status", description: "Unconfirmed", value: "open.unconfirm" },
              { service_name: "Appointment Status", description: "Confirmed", value: "open.confirm" },
              { service_name: "Appointment Status", description: "Cancelled", value: "cancel.cancelled" },
            ]);
          case "/note_types":
            return list(url, [{ type: "PatNote" }, { type: "Clinical Note" }]);
          case "/payment_types": {
            // Rows carry `code` and `description` only; the kinds are query filters, not row fields.
            const kind = ["is_insurance_type", "is_adjustment_type", "is_debit_adjustment_type"].find((f) => q(f) === "true");
            return list(
              url,
              PAYMENT_TYPES.filter((t) => !kind || t.kind === kind).map((t) => ({
                href: "",
                code: t.code,
                description: t.description,
                practice_id: p.practiceId,
                practice_href: "",
              })),
            );
          }
        }
      }

      if (path === "/appointment" && req.method === "POST") {
        for (const f of ["patient_id", "date", "time", "length", "provider_id", "operatory", "practice_id", "description"]) {
          if (typeof body[f] !== "string" || body[f] === "") return sikkaError(400, "API1020", "Missing Parameter", `${f} is required`);
        }
        if (!p.patients.some((r) => r.patient_id === body.patient_id)) return sikkaError(400, "API1026", "Invalid Parameter", "patient_id does not exist");
        return startWriteback(
          p,
          "appointments",
          () => {
            const id = s(++seq);
            p.appointments.push({
              appointment_sr_no: id,
              patient_id: s(body.patient_id),
              provider_id: s(body.provider_id),
              practice_id: p.practiceId,
              date: `${body.date}T00:00:00`,
              time: s(body.time),
              length: s(body.length),
              operatory: s(body.operatory),
              description: s(body.description),
              type: s(body.type ?? ""),
              status: "Scheduled",
              cancelled: "False",
              note: s(body.note ?? ""),
            });
            recordEvent(p, "added", p.appointments[p.appointments.length - 1]!);
            return { created_id: id };
          },
          { method: req.method, body },
        );
      }
      const apptMatch = path.match(/^\/appointments\/([^/]+)$/);
      if (apptMatch && (req.method === "PUT" || req.method === "PATCH")) {
        const appt = p.appointments.find((r) => r.appointment_sr_no === apptMatch[1]);
        if (!appt) return sikkaError(404, "API2009", "Not Found", "appointment not found");
        return startWriteback(
          p,
          "appointments",
          () => {
            const before = { ...appt };
            if (req.method === "PUT") {
              for (const f of ["time", "length", "operatory", "provider_id"] as const) if (typeof body[f] === "string") appt[f] = body[f] as string;
              if (typeof body.date === "string") appt.date = `${body.date}T00:00:00`;
            } else if (typeof body.value === "string" && body.value.startsWith("cancel")) {
              appt.status = "Cancelled";
              appt.cancelled = "True";
            }
            recordEvent(p, "updated", appt, before);
            return { created_id: "" };
          },
          { method: req.method, body },
        );
      }
      if (path === "/patient" && req.method === "POST") {
        for (const f of ["firstname", "lastname", "provider_id", "practice_id"]) {
          if (typeof body[f] !== "string" || body[f] === "") return sikkaError(400, "API1020", "Missing Parameter", `${f} is required`);
        }
        return startWriteback(
          p,
          "patients",
          () => {
            const id = s(++seq);
            p.patients.push({
              patient_id: id,
              practice_id: p.practiceId,
              guarantor_id: id,
              firstname: s(body.firstname),
              lastname: s(body.lastname),
              birthdate: `${body.birthdate}T00:00:00`,
              cell: s(body.cell ?? ""),
              email: s(body.email ?? ""),
              homephone: "",
              workphone: "",
              status: "Active",
              provider_id: s(body.provider_id),
            });
            p.balances.push({ patient_id: id, patient_due: "0.00", insurance_due: "0.00", account_balance: "0.00" });
            return { created_id: id };
          },
          { method: req.method, body },
        );
      }
      if (path === "/medical_notes" && req.method === "POST") {
        if (/[<>{}#%\\]/.test(s(body.text))) return sikkaError(400, "API1026", "Invalid Parameter", "Special characters are not allowed");
        return startWriteback(
          p,
          "medical_notes",
          () => {
            const id = s(++seq);
            p.notes.push({ id, patient_id: s(body.patient_id), type: s(body.type), text: s(body.text), date: s(body.date) });
            return { created_id: id };
          },
          { method: req.method, body },
        );
      }
      if (path === "/transaction" && req.method === "POST") {
        for (const f of ["patient_id", "guarantor_id", "procedure_code", "procedure_description", "provider_id", "amount", "practice_id", "transaction_date"]) {
          if (typeof body[f] !== "string" || body[f] === "") return sikkaError(400, "API1020", "Missing Parameter", `${f} is required`);
        }
        const type = PAYMENT_TYPES.find((t) => t.code === body.procedure_code);
        if (!type || type.kind !== null) return sikkaError(400, "API1026", "Invalid Parameter", "procedure_code must be a non-insurance payment code");
        if (type.description !== body.procedure_description)
          return sikkaError(400, "API1026", "Invalid Parameter", "procedure_description does not match the code");
        return startWriteback(
          p,
          "transactions",
          () => {
            const id = s(++seq);
            p.transactions.push({ transaction_sr_no: id, patient_id: s(body.patient_id), amount: s(body.amount), procedure_code: s(body.procedure_code) });
            const bal = p.balances.find((b) => b.patient_id === body.patient_id);
            if (bal) bal.patient_due = (Number(bal.patient_due) - Number(body.amount)).toFixed(2);
            return { created_id: id };
          },
          { method: req.method, body },
        );
      }
      return sikkaError(404, "API2009", "Not Found", `no route ${req.method} ${path}`);
    }
  }

  return {
    url: `http://127.0.0.1:${server.port}/v4`,
    /** Resolves when `count` requests of a practice are in flight at once (an event, not a timer). */
    untilInFlight(practice: string, count: number) {
      return new Promise<void>((resolve) => {
        if ((inFlight.get(practice) ?? 0) >= count) resolve();
        else inFlightWaiters.add({ practice, count, resolve });
      });
    },
    practices,
    calls,
    counters,
    maxInFlight,
    behaviour,
    writebacks,
    addPractice(p: Partial<FakePractice> & Pick<FakePractice, "officeId" | "secretKey" | "practiceId">) {
      const practice: FakePractice = {
        custId: "C1",
        pms: "Dentrix",
        windowsTimeZone: "Eastern Standard Time",
        patients: [],
        appointments: [],
        providers: [],
        operatories: [],
        balances: [],
        subscribers: [],
        companies: [],
        slots: [],
        notes: [],
        transactions: [],
        events: [],
        ...p,
      };
      practices.push(practice);
      return practice;
    },
    /**
     * The office's own staff at work in the PMS: bookings made, moved or cancelled at the front desk,
     * which Sikka's sync then reports through `practice_events`.
     */
    frontDesk(p: FakePractice) {
      return {
        book(row: Omit<Row, "appointment_sr_no"> & { date: string; time: string; length: string; provider_id: string; operatory: string }) {
          const appt: Row = {
            appointment_sr_no: s(++seq),
            practice_id: p.practiceId,
            patient_id: "5001",
            status: "Scheduled",
            cancelled: "False",
            ...row,
            date: `${row.date.slice(0, 10)}T00:00:00`,
          };
          p.appointments.push(appt);
          recordEvent(p, "added", appt);
          return appt.appointment_sr_no!;
        },
        cancel(id: string) {
          const appt = p.appointments.find((r) => r.appointment_sr_no === id);
          if (!appt) throw new Error(`no appointment ${id}`);
          const before = { ...appt };
          appt.status = "Cancelled";
          appt.cancelled = "True";
          recordEvent(p, "updated", appt, before);
        },
        remove(id: string) {
          const index = p.appointments.findIndex((r) => r.appointment_sr_no === id);
          const [appt] = p.appointments.splice(index, 1);
          if (appt) recordEvent(p, "deleted", appt);
        },
      };
    },
    /** Revokes every issued request key: Sikka then answers API1004 (missing/invalid) for them. */
    revokeKeys() {
      keys.clear();
    },
    /** Adds practices authorized by other offices, so the app's list spans several pages. */
    addOtherOffices(count: number) {
      for (let i = 0; i < count; i++) this.addPractice({ officeId: `D9${String(i).padStart(4, "0")}`, secretKey: `other-${i}`, practiceId: "1" });
    },
    /** Makes every issued request key expire now (the next data call gets API1025). */
    expireKeys() {
      for (const k of keys.values()) k.expiresAt = 0;
    },
    setNow(fn: () => number) {
      now = fn;
    },
    stop: () => server.stop(true),
  };
}

/** A practice with plenty of patients (so searches page), providers, operatories and bookings. */
export function seedPractice(
  fake: ReturnType<typeof startFakeSikka>,
  init: { officeId: string; secretKey: string; practiceId: string; custId?: string; pms?: string; lastName?: string },
) {
  // What a practice's records typically hold besides a name: Sikka sends these in every default item.
  const onRecord = (i: number): Row => ({
    preferred_name: "",
    address_line1: `${100 + i} Main Street`,
    city: "Washington",
    state: "DC",
    zipcode: "20001",
    first_visit: "2019-03-04T00:00:00",
    last_visit: "2026-05-11T00:00:00",
    primary_insurance_company_id: "11",
    primary_relationship: "Self",
    subscriber_id: `SUB${1000 + i}`,
    fee_no: "1",
    created_date: "2019-03-04T00:00:00",
    preferred_contact: "Cell",
    preferred_communication_method: "Text",
    gender: i % 2 ? "Female" : "Male",
    marital_status: "Single",
    chart_number: `CH${5000 + i}`,
    rowhash: `${(0x9e3779b9 * i).toString(16).padStart(8, "0")}`,
  });
  const patients: Row[] = [];
  for (let i = 1; i <= 120; i++) {
    patients.push({
      ...onRecord(i),
      patient_id: String(5000 + i),
      practice_id: init.practiceId,
      guarantor_id: String(5000 + i),
      firstname: `Pat${i}`,
      lastname: `Filler${i}`,
      birthdate: "1970-01-01T00:00:00",
      cell: `202-555-${String(1000 + i).slice(-4)}`,
      email: "",
      homephone: "",
      workphone: "",
      status: "Active",
      provider_id: "DDS1",
    });
  }
  // the one we search for sits beyond the first page
  patients.push({
    ...onRecord(121),
    patient_id: "7001",
    practice_id: init.practiceId,
    guarantor_id: "7001",
    firstname: "Carlene",
    lastname: init.lastName ?? "Victoria",
    birthdate: "1984-12-10T00:00:00",
    cell: "(202) 555-0123",
    email: "carlene@example.com",
    homephone: "",
    workphone: "",
    status: "Active",
    provider_id: "DDS1",
  });
  return fake.addPractice({
    ...init,
    custId: init.custId ?? "C1",
    pms: init.pms ?? "Dentrix",
    patients,
    providers: [
      { provider_id: "DDS1", firstname: "Avery", lastname: "Stone", provider_type: "Provider", status: "Active", practice_id: init.practiceId },
      { provider_id: "HYG1", firstname: "Riley", lastname: "Park", provider_type: "Provider", status: "Active", practice_id: init.practiceId },
      { provider_id: "FRONT", firstname: "Desk", lastname: "Staff", provider_type: "Staff", status: "Active", practice_id: init.practiceId },
      { provider_id: "OLD", firstname: "Gone", lastname: "Away", provider_type: "Provider", status: "Inactive", practice_id: init.practiceId },
    ],
    operatories: [
      { operatory: "OP1", cust_id: init.custId ?? "C1", is_hidden: "F", practice_id: init.practiceId, provider_id: "" },
      { operatory: "OP2", cust_id: init.custId ?? "C1", is_hidden: "F", practice_id: init.practiceId, provider_id: "" },
      { operatory: "HIDDEN", cust_id: init.custId ?? "C1", is_hidden: "T", practice_id: init.practiceId, provider_id: "" },
    ],
    appointments: [],
    balances: [{ patient_id: "7001", patient_due: "85.50", insurance_due: "40.00", account_balance: "125.50" }],
    subscribers: [
      { patient_id: "7001", subscriber_id: "MEM0099887766", type: "Dental Primary", insurance_company_id: "IC1", patient_relation: "Self" },
      { patient_id: "7001", subscriber_id: "SEC11223344", type: "Dental Secondary", insurance_company_id: "IC2", patient_relation: "Spouse" },
    ],
    companies: [
      { insurance_company_id: "IC1", insurance_company_name: "Delta Dental", group_plan_number: "GRP-77", payer_id: "DD1" },
      { insurance_company_id: "IC2", insurance_company_name: "Guardian", group_plan_number: "", payer_id: "GU1" },
    ],
  });
}
