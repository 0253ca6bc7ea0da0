// Longer than 300 lines on purpose: one fake of NexHealth's Synchronizer API (tokens, envelope,
// institutions and locations, slots, patients, appointments, ledger, alerts, webhooks) whose parts
// share one in-memory state.
import { createHmac, randomBytes } from "node:crypto";
import { DateTime } from "luxon";

/**
 * A local fake of NexHealth's v3.0.0 API, as its reference documents it and never kinder: bearer
 * tokens that expire (401), the `Nex-Api-Version` header or a 404, the `{code, data, error}` envelope
 * with `code: false` failures, a default page of 5 with cursors, `location_strict` (without it a search
 * spans every location), 201 bookings whose PMS insertion happens later (or fails), 403 ledgers when
 * financial data is off, per-PMS refusals, and signed webhook deliveries with redelivery.
 */
type Row = Record<string, unknown>;

export type Insertion = "on_read" | "manual";

export type FakeLocation = { id: number; name: string; tz: string; inactive?: boolean };
export type FakeInstitution = {
  id: number;
  subdomain: string;
  /** Whether the gateway's API key was granted this institution (else 403). */
  reachable: boolean;
  emr: string;
  readStatus: "green" | "red";
  writeStatus: "green" | "red";
  financialData: boolean;
  locations: FakeLocation[];
  /** `on_read`: the PMS takes a write after `insertionReads` reads of it; `manual`: when the test says. */
  insertion: Insertion;
  insertionReads: number;
};

type Appointment = Row & {
  id: number;
  location_id: number;
  provider_id: number;
  start_time: string;
  end_time: string;
  cancelled: boolean;
  foreign_id: string | null;
};
type Payment = Row & { id: number; transaction_id: string; patient_id: number; location_id: number; inserted: boolean };
type Delivery = { url: string; body: string; status: number | null };

export const API_KEY = "nexhealth-test-api-key";
const VERSION = "v3.0.0";
/** Production tokens last an hour. */
const TOKEN_TTL_MS = 60 * 60_000;
const DEFAULT_PER_PAGE = 5;
const RESCHEDULE_PMS = new Set(["dentrix", "dentrixenterprise", "eaglesoft", "opendental"]);
const NO_CANCEL_PMS = new Set(["curve", "dolphin", "drchrono", "orthotrac", "practiceworks"]);
const PAYMENT_PMS = new Set(["dentrix", "dentrixenterprise", "eaglesoft", "opendental"]);
const ALERT_PMS = new Set(["dentrix", "dentrixenterprise", "eaglesoft", "opendental", "orthotrac"]);
const norm = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, "");

export type FakeNexHealthOptions = {
  /** How webhook deliveries reach the gateway (in-process tests hand them to `app.handle`). */
  deliver?: (url: string, init: RequestInit) => Promise<Response>;
};

export function startFakeNexHealth(options: FakeNexHealthOptions = {}) {
  let now = () => Date.now();
  const institutions: FakeInstitution[] = [];
  const providers: Array<Row & { id: number; location_id: number }> = [];
  const patients: Array<Row & { id: number; location_ids: number[]; institution_id: number }> = [];
  const appointments: Appointment[] = [];
  /** Working hours (what makes a provider bookable) and the location's chairs. */
  const workingHours: Array<Row & { id: number; provider_id: number; location_id: number; operatory_id: number | null; begin_time: string; end_time: string }> =
    [];
  const operatories: Array<Row & { id: number; location_id: number }> = [];
  const payments: Payment[] = [];
  const alerts: Row[] = [];
  const coverages: Array<Row & { patient_id: number }> = [];
  const tokens = new Map<string, number>();
  const endpoints: Array<{ id: number; target_url: string; secret_key: string; active: boolean }> = [];
  const subscriptions: Array<{ id: number; endpoint_id: number; institution_id: number; resource_type: string; event: string; active: boolean }> = [];
  const deliveries: Delivery[] = [];
  const pendingDeliveries: Promise<void>[] = [];
  const reads = new Map<string, number>();
  const calls: Array<{ method: string; path: string; query: URLSearchParams; body: Row | null }> = [];
  const faults: Array<{ path: RegExp; status: number; codeFalse: boolean; error: string }> = [];
  let nextId = 5000;
  let failingInsertions = 0;
  const behaviour = {
    /** Answer `/guarantor_balances` with every guarantor's row of the institution, as if `guarantor_id=` were not applied. */
    ignoreGuarantorFilter: false,
  };

  const envelope = (status: number, data: unknown, extra: Row = {}) =>
    new Response(JSON.stringify({ code: status < 300, description: null, error: [], data, ...extra }), {
      status,
      headers: { "content-type": "application/json" },
    });
  const failure = (status: number, ...error: string[]) =>
    new Response(JSON.stringify({ code: false, description: null, error, data: null }), { status, headers: { "content-type": "application/json" } });

  const page = (all: unknown[], query: URLSearchParams) => {
    const perPage = Math.min(1000, Number(query.get("per_page") ?? DEFAULT_PER_PAGE) || DEFAULT_PER_PAGE);
    const after = query.get("end_cursor");
    const start = after ? Number(Buffer.from(after, "base64").toString()) : 0;
    const slice = all.slice(start, start + perPage);
    const end = start + slice.length;
    // Cursor lists carry no `count`.
    return envelope(200, slice, {
      page_info: {
        has_previous_page: start > 0,
        has_next_page: end < all.length,
        start_cursor: Buffer.from(String(start)).toString("base64"),
        end_cursor: Buffer.from(String(end)).toString("base64"),
      },
    });
  };

  const institutionOf = (subdomain: string | null) => institutions.find((i) => i.subdomain === subdomain);
  const locationOf = (inst: FakeInstitution, id: unknown) => inst.locations.find((l) => l.id === Number(id));

  function sign(secret: string, timestamp: string, body: string) {
    return createHmac("sha256", secret)
      .update(`${timestamp}.${Buffer.from(body).toString("base64")}`)
      .digest("hex");
  }

  function send(url: string, secret: string, body: string) {
    const timestamp = String(Math.floor(now() / 1000));
    const delivery: Delivery = { url, body, status: null };
    deliveries.push(delivery);
    const deliver = options.deliver ?? ((u: string, init: RequestInit) => fetch(u, init));
    const done = deliver(url, { method: "POST", headers: { "content-type": "application/json", timestamp, signature: sign(secret, timestamp, body) }, body })
      .then(async (res) => {
        delivery.status = res.status;
        await res.body?.cancel();
      })
      .catch(() => {
        delivery.status = 0;
      });
    pendingDeliveries.push(done);
  }

  function emit(inst: FakeInstitution, resourceType: string, event: string, result: string, data: Row) {
    for (const sub of subscriptions.filter((s) => s.institution_id === inst.id && s.event === event && s.active && s.resource_type === resourceType)) {
      const endpoint = endpoints.find((e) => e.id === sub.endpoint_id && e.active);
      if (!endpoint) continue;
      const body = JSON.stringify({
        resource_type: resourceType,
        // Insertion results carry a suffix (`.complete`); detection events are read here without one.
        event_name: result ? `${event}.${result}` : event,
        event_time: new Date(now()).toISOString(),
        subdomain: inst.subdomain,
        institution_id: inst.id,
        data,
        delivery_errors: [],
      });
      send(endpoint.target_url, endpoint.secret_key, body);
    }
  }

  /** The PMS takes (or refuses) a booking: `foreign_id` appears, and subscribers hear of it. */
  function insertAppointment(appt: Appointment, result: "complete" | "failed" | "timed_out") {
    const inst = institutions.find((i) => i.locations.some((l) => l.id === appt.location_id));
    if (!inst) return;
    if (result === "complete") appt.foreign_id = String(90000 + appt.id);
    appt.updated_at = new Date(now()).toISOString();
    emit(inst, "Appointment", "appointment_insertion", result, { appointment: { ...appt } });
  }

  function insertPayment(payment: Payment, result: "complete" | "failed") {
    const inst = institutions.find((i) => i.locations.some((l) => l.id === payment.location_id));
    if (!inst) return;
    payment.inserted = result === "complete";
    payment.updated_at = new Date(now()).toISOString();
    emit(inst, "Payment", "payment_insertion", result, { payment: { ...payment } });
  }

  /** A booking that overlaps another one on the provider is accepted by NexHealth and refused by the PMS. */
  const clashes = (appt: Appointment) =>
    appointments.some(
      (a) => a !== appt && !a.cancelled && a.provider_id === appt.provider_id && a.start_time < appt.end_time && appt.start_time < a.end_time && a.id < appt.id,
    );

  function noteRead(kind: string, id: number, inst: FakeInstitution, onDue: () => void) {
    if (inst.insertion !== "on_read") return;
    const key = `${kind}:${id}`;
    const left = (reads.get(key) ?? inst.insertionReads) - 1;
    reads.set(key, left);
    if (left === 0) onDue();
  }

  /** A provider's open slots on a day: inside their working hours, with the provider and chair free. */
  function freeSlots(providerId: number, day: DateTime, minutes: number) {
    const out: Row[] = [];
    const weekday = day.toFormat("cccc");
    const date = day.toISODate();
    for (const hour of workingHours) {
      if (hour.provider_id !== providerId || hour.active === false) continue;
      const days = Array.isArray(hour.days) ? (hour.days as string[]) : [];
      if (!(hour.specific_date === date || days.includes(weekday))) continue;
      const [bh, bm] = hour.begin_time.split(":").map(Number);
      const [eh, em] = hour.end_time.split(":").map(Number);
      const close = day.set({ hour: eh, minute: em, second: 0, millisecond: 0 });
      for (let t = day.set({ hour: bh, minute: bm, second: 0, millisecond: 0 }); t.plus({ minutes }) <= close; t = t.plus({ minutes })) {
        const end = t.plus({ minutes });
        if (t.toMillis() < now()) continue;
        // Operatories are the limiting resource: one appointment per chair at a time.
        const busy = appointments.some(
          (a) =>
            !a.cancelled &&
            (a.provider_id === providerId || (hour.operatory_id !== null && a.operatory_id === hour.operatory_id)) &&
            Date.parse(a.start_time) < end.toMillis() &&
            t.toMillis() < Date.parse(a.end_time),
        );
        if (!busy) out.push({ time: t.toISO(), end_time: end.toISO(), ...(hour.operatory_id !== null ? { operatory_id: hour.operatory_id } : {}) });
      }
    }
    return out;
  }

  /** Writes NexHealth performs whose answer is then lost (a 504 from its edge). */
  const lostAnswers: RegExp[] = [];
  /** Every answer takes this long (NexHealth reads its own copy; a slow day is seconds). */
  let latencyMs = 0;
  async function handle(req: Request): Promise<Response> {
    if (latencyMs > 0) await Bun.sleep(latencyMs);
    const path = new URL(req.url).pathname;
    const lost = req.method === "GET" ? -1 : lostAnswers.findIndex((p) => p.test(path));
    const res = await route(req);
    if (lost < 0 || res.status >= 300) return res;
    lostAnswers.splice(lost, 1);
    return failure(504, "Gateway Timeout");
  }

  async function route(req: Request): Promise<Response> {
    const url = new URL(req.url);
    const path = url.pathname;
    const q = url.searchParams;
    const body = req.method === "GET" ? null : ((await req.json().catch(() => null)) as Row | null);
    calls.push({ method: req.method, path, query: q, body });
    // Without the version header NexHealth answers a confusing 404.
    if (req.headers.get("nex-api-version") !== VERSION) return failure(404, "Not Found");
    if (path === "/authenticates" && req.method === "POST") {
      if (req.headers.get("authorization") !== API_KEY) return failure(401, "Unauthorized");
      const header = Buffer.from(JSON.stringify({ alg: "HS256", typ: "JWT" })).toString("base64url");
      const exp = Math.floor((now() + TOKEN_TTL_MS) / 1000);
      const payload = Buffer.from(JSON.stringify({ sub: "api-user", exp, jti: randomBytes(6).toString("hex") })).toString("base64url");
      const token = `${header}.${payload}.${randomBytes(16).toString("base64url")}`;
      tokens.set(token, exp * 1000);
      return envelope(200, { token });
    }
    const bearer = req.headers.get("authorization")?.replace(/^Bearer /, "") ?? "";
    const expiresAt = tokens.get(bearer);
    if (!expiresAt || expiresAt <= now()) return failure(401, "Unauthorized");
    for (const f of faults) {
      if (f.path.test(path)) {
        faults.splice(faults.indexOf(f), 1);
        return f.codeFalse ? new Response(JSON.stringify({ code: false, error: [f.error], data: null }), { status: 200 }) : failure(f.status, f.error);
      }
    }

    // Endpoints belong to the API key, not to an institution.
    if (path === "/webhook_endpoints" && req.method === "GET") return envelope(200, endpoints);
    if (path === "/webhook_endpoints" && req.method === "POST") {
      const target = String(body?.target_url ?? "");
      if (!/^https?:\/\//.test(target)) return failure(400, "target_url is invalid");
      const endpoint = { id: ++nextId, target_url: target, secret_key: randomBytes(24).toString("hex"), active: body?.active !== false };
      endpoints.push(endpoint);
      return envelope(201, endpoint);
    }
    const endpointMatch = path.match(/^\/webhook_endpoints\/(\d+)$/);
    if (endpointMatch && req.method === "PATCH") {
      const endpoint = endpoints.find((e) => e.id === Number(endpointMatch[1]));
      if (!endpoint) return failure(404, "Not Found");
      if (typeof body?.active === "boolean") endpoint.active = body.active;
      return envelope(200, endpoint);
    }

    const subdomain = q.get("subdomain");
    if (path === "/locations" && req.method === "GET") {
      const visible = institutions.filter((i) => i.reachable && (!subdomain || i.subdomain === subdomain));
      if (subdomain && visible.length === 0) return failure(403, "You don't have access to perform this action.");
      return envelope(
        200,
        visible.map((i) => ({
          id: i.id,
          name: `${i.subdomain} practice`,
          subdomain: i.subdomain,
          locations: i.locations.map((l) => ({ ...l, institution_id: i.id, inactive: l.inactive ?? false })),
        })),
        { count: visible.length },
      );
    }
    const inst = institutionOf(subdomain);
    if (!subdomain) return failure(400, "subdomain is required");
    if (!inst?.reachable) return failure(403, "You don't have access to perform this action.");

    const subsMatch = path.match(/^\/webhook_endpoints\/(\d+)\/webhook_subscriptions(?:\/(\d+))?$/);
    if (subsMatch) {
      const endpointId = Number(subsMatch[1]);
      if (!endpoints.some((e) => e.id === endpointId)) return failure(404, "Not Found");
      if (req.method === "GET")
        return envelope(
          200,
          subscriptions.filter((s) => s.endpoint_id === endpointId && s.institution_id === inst.id),
        );
      if (req.method === "POST") {
        const sub = {
          id: ++nextId,
          endpoint_id: endpointId,
          institution_id: inst.id,
          resource_type: String(body?.resource_type),
          event: String(body?.event),
          active: true,
        };
        subscriptions.push(sub);
        return envelope(201, sub);
      }
      const sub = subscriptions.find((s) => s.id === Number(subsMatch[2]));
      if (sub && req.method === "PATCH") sub.active = body?.active !== false;
      return sub ? envelope(200, sub) : failure(404, "Not Found");
    }

    if (path === "/sync_status") {
      return envelope(200, [
        {
          institution_id: inst.id,
          sync_source_type: "SyncSource",
          sync_source_name: inst.emr,
          emr: { id: 1, name: norm(inst.emr), display_name: inst.emr, type: "onprem" },
          read_status: inst.readStatus,
          read_status_at: new Date(now()).toISOString(),
          write_status: inst.writeStatus,
          write_status_at: new Date(now()).toISOString(),
          locations: inst.locations.map((l) => ({ id: l.id, name: l.name })),
        },
      ]);
    }
    if (path === "/providers") {
      const loc = locationOf(inst, q.get("location_id"));
      if (!loc) return failure(404, "Location not found");
      const list = providers.filter(
        (p) => p.location_id === loc.id && (q.get("inactive") === "true" || p.inactive !== true) && (q.get("requestable") !== "true" || p.requestable === true),
      );
      return page(list, q);
    }
    if (path === "/payment_types") {
      const loc = locationOf(inst, q.get("location_id"));
      if (!loc) return failure(404, "Location not found");
      return page(
        [
          { id: 10, name: "Cash", location_id: loc.id },
          { id: 11, name: "Check", location_id: loc.id },
          { id: 12, name: "Credit Card", location_id: loc.id },
        ],
        q,
      );
    }
    if (path === "/working_hours" || path === "/operatories") {
      const loc = locationOf(inst, q.get("location_id"));
      if (!loc) return failure(400, "location_id is required");
      if (path === "/operatories")
        return page(
          operatories.filter((o) => o.location_id === loc.id),
          q,
        );
      const active = q.get("active") !== "false";
      return page(
        workingHours.filter((h) => h.location_id === loc.id && (h.active !== false) === active),
        q,
      );
    }
    if (path === "/available_slots") {
      const lids = q.getAll("lids[]").map(Number);
      const pids = q.getAll("pids[]").map(Number);
      const days = Number(q.get("days"));
      const start = q.get("start_date") ?? "";
      if (lids.length === 0) return failure(400, "lids is required");
      if (pids.length === 0 && !q.get("appointment_type_id")) return failure(400, "pids or appointment_type_id is required");
      if (!/^\d{4}-\d{2}-\d{2}$/.test(start) || !(days >= 1)) return failure(400, "start_date and days are required");
      const minutes = Number(q.get("slot_length") ?? 15);
      const groups: Row[] = [];
      for (const lid of lids) {
        const loc = locationOf(inst, lid);
        if (!loc) return failure(404, "Location not found");
        for (const pid of pids) {
          if (!providers.some((p) => p.id === pid && p.location_id === lid)) continue;
          const first = DateTime.fromISO(start, { zone: loc.tz });
          const slots: Row[] = [];
          for (let d = 0; d < Math.min(days, 14); d++) slots.push(...freeSlots(pid, first.plus({ days: d }), minutes));
          const group: Row = { lid, pid, slots };
          if (slots.length === 0) {
            let next: string | null = null;
            for (let d = days; d < 180 && !next; d++)
              if (freeSlots(pid, first.plus({ days: d }), minutes).length > 0) next = first.plus({ days: d }).toISODate();
            group.next_available_date = next;
          }
          groups.push(group);
        }
      }
      return envelope(200, groups, { count: groups.length });
    }

    if (path === "/patients" && req.method === "GET") {
      const loc = locationOf(inst, q.get("location_id"));
      if (!loc) return failure(404, "Location not found");
      const strict = q.get("location_strict") === "true";
      const name = (q.get("name") ?? "").toLowerCase();
      const dob = q.get("date_of_birth");
      const phone = q.get("phone_number");
      const email = q.get("email");
      // Without location_strict the search spans the institution's other locations too.
      const list = patients.filter((p) => {
        if (p.institution_id !== inst.id || (strict && !p.location_ids.includes(loc.id))) return false;
        if (q.get("inactive") === "false" && p.inactive === true) return false;
        // Fuzzy: any word of the query found anywhere in the name.
        if (
          name &&
          !name.split(/\s+/).some((w) =>
            String(p.name)
              .toLowerCase()
              .includes(w.slice(0, Math.max(3, w.length - 1))),
          )
        )
          return false;
        if (dob && (p.bio as Row).date_of_birth !== dob) return false;
        const bio = p.bio as Row;
        if ((phone || email) && !((phone && bio.phone_number === phone) || (email && p.email === email))) return false;
        return true;
      });
      return page(list, q);
    }
    if (path === "/patients" && req.method === "POST") {
      const loc = locationOf(inst, q.get("location_id"));
      if (!loc) return failure(404, "Location not found");
      const patient = (body?.patient ?? {}) as Row;
      const bio = (patient.bio ?? {}) as Row;
      const providerId = Number((body?.provider as Row | undefined)?.provider_id);
      if (!providers.some((p) => p.id === providerId && p.location_id === loc.id)) return failure(400, "provider is required");
      if (!patient.first_name || !patient.last_name) return failure(400, "first_name and last_name are required");
      if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(String(patient.email ?? ""))) return failure(400, "email is invalid");
      if (!/^\d{4}-\d{2}-\d{2}$/.test(String(bio.date_of_birth ?? ""))) return failure(400, "date_of_birth is invalid");
      if (!/^[2-9]\d{9}$/.test(String(bio.phone_number ?? ""))) return failure(400, "phone_number is invalid");
      const existing = patients.find(
        (p) =>
          p.institution_id === inst.id &&
          (p.bio as Row).date_of_birth === bio.date_of_birth &&
          (p.bio as Row).phone_number === bio.phone_number &&
          String(p.first_name).toLowerCase() === String(patient.first_name).toLowerCase() &&
          String(p.last_name).toLowerCase() === String(patient.last_name).toLowerCase(),
      );
      if (existing) return body?.return_existing_if_match === true ? envelope(200, { user: existing }) : failure(400, "Patient already exists");
      const created = {
        id: ++nextId,
        first_name: String(patient.first_name).slice(0, 15),
        last_name: String(patient.last_name).slice(0, 20),
        name: `${patient.first_name} ${patient.last_name}`,
        email: patient.email,
        institution_id: inst.id,
        foreign_id: null,
        guarantor_id: null,
        inactive: false,
        location_ids: [loc.id],
        bio: { date_of_birth: bio.date_of_birth, phone_number: bio.phone_number, gender: bio.gender ?? "Female", new_patient: true, non_patient: false },
      };
      patients.push(created);
      return envelope(201, { user: created });
    }
    const patientMatch = path.match(/^\/patients\/(\d+)(\/alerts)?$/);
    if (patientMatch) {
      const patient = patients.find((p) => p.id === Number(patientMatch[1]) && p.institution_id === inst.id);
      if (!patient) return failure(404, "Patient not found");
      if (patientMatch[2]) {
        if (!ALERT_PMS.has(norm(inst.emr))) return failure(400, "Patient alerts are not supported for this EMR");
        if (req.method === "GET")
          return envelope(
            200,
            alerts.filter((a) => a.patient_id === patient.id),
          );
        const note = String(((body?.patient_alert ?? {}) as Row).note ?? "");
        if (!note) return failure(400, "note is required");
        const alert = { id: ++nextId, patient_id: patient.id, note, disabled_at: null, created_at: new Date(now()).toISOString() };
        alerts.push(alert);
        return envelope(201, alert);
      }
      const include = q.getAll("include[]");
      const view: Row = { ...patient };
      if (include.includes("insurance_coverages")) view.insurance_coverages = coverages.filter((c) => c.patient_id === patient.id);
      return envelope(200, view);
    }

    if (path === "/guarantor_balances") {
      if (!inst.financialData) return failure(403, "You don't have access to perform this action.");
      const guarantor = Number(q.get("guarantor_id"));
      const money = (amount: string) => ({ amount, currency: "USD" });
      const balanceOf = (patient: (typeof patients)[number]) => ({
        id: patient.id + 1,
        guarantor_id: patient.id,
        location_id: Number(q.get("location_id")),
        total_balance: money(String(patient.balance ?? "0.00")),
        guarantor_portion: money(String(patient.guarantor_portion ?? patient.balance ?? "0.00")),
        insurance_estimate: money(String(patient.insurance_estimate ?? "0.00")),
      });
      // Zero balances are left out unless `show_zero_balances=true` asks for them: a guarantor who owes
      // nothing has no row at all. An amount that is not a number is never taken for zero here either.
      const showZero = q.get("show_zero_balances") === "true";
      const owesNothing = (row: ReturnType<typeof balanceOf>) => row.total_balance.amount.trim() !== "" && Number(row.total_balance.amount) === 0;
      const balances = patients
        .filter((p) => p.institution_id === inst.id && (behaviour.ignoreGuarantorFilter || p.id === guarantor))
        .map(balanceOf)
        .filter((row) => showZero || !owesNothing(row));
      return page(balances, q);
    }
    if (path === "/payments" && req.method === "GET") {
      const transactionId = q.get("transaction_id");
      if (!transactionId && !q.get("patient_id")) return failure(400, "a filter is required");
      const found = payments.filter((p) => (transactionId ? p.transaction_id === transactionId : String(p.patient_id) === q.get("patient_id")));
      for (const p of found) if (!p.inserted) noteRead("payment", p.id, inst, () => insertPayment(p, "complete"));
      // The ledger shows a payment only once the PMS has it.
      return page(
        found.filter((p) => p.inserted),
        q,
      );
    }
    if (path === "/payments" && req.method === "POST") {
      if (!inst.financialData) return failure(403, "You don't have access to perform this action.");
      if (!PAYMENT_PMS.has(norm(inst.emr))) return failure(400, "Payments are not supported for this EMR");
      const p = (body?.payment ?? {}) as Row;
      const loc = locationOf(inst, q.get("location_id"));
      const patient = patients.find((x) => x.id === Number(p.patient_id) && x.institution_id === inst.id);
      if (!loc || !patient) return failure(404, "Not Found");
      const transactionId = String(p.transaction_id ?? "");
      if (!transactionId || transactionId.length > 50) return failure(400, "transaction_id is invalid");
      if (typeof p.amount !== "number" || p.amount >= 0) return failure(400, "amount must be negative for a payment");
      payments.push({
        id: ++nextId,
        transaction_id: transactionId,
        patient_id: patient.id,
        location_id: loc.id,
        payment_amount: p.amount,
        payment_type_id: p.payment_type_id,
        inserted: false,
      });
      return new Response(null, { status: 202 });
    }

    if (path === "/appointments" && req.method === "GET") {
      const loc = locationOf(inst, q.get("location_id"));
      const start = Date.parse(q.get("start") ?? "");
      const end = Date.parse(q.get("end") ?? "");
      if (!loc || Number.isNaN(start) || Number.isNaN(end)) return failure(400, "start, end and location_id are required");
      const patientIds = q.getAll("patient_ids[]").map(Number);
      const list = appointments.filter(
        (a) =>
          a.location_id === loc.id &&
          Date.parse(a.start_time) >= start &&
          Date.parse(a.start_time) < end &&
          (q.get("cancelled") === null || String(a.cancelled) === q.get("cancelled")) &&
          // "YYYY-MM-DDThh:mm:ss+0000", inclusive.
          (q.get("updated_since") === null || Date.parse(String(a.updated_at)) >= Date.parse(String(q.get("updated_since")))) &&
          (patientIds.length === 0 || patientIds.includes(Number(a.patient_id))),
      );
      return page(list, q);
    }
    if (path === "/appointments" && req.method === "POST") {
      const loc = locationOf(inst, q.get("location_id"));
      if (!loc) return failure(404, "Location not found");
      const a = (body?.appt ?? {}) as Row;
      const patient = patients.find((p) => p.id === Number(a.patient_id) && p.institution_id === inst.id);
      if (!patient?.location_ids.includes(loc.id)) return failure(400, "Patient not found in location");
      if (!providers.some((p) => p.id === Number(a.provider_id) && p.location_id === loc.id)) return failure(400, "Provider not found in location");
      const start = Date.parse(String(a.start_time ?? ""));
      const end = Date.parse(String(a.end_time ?? ""));
      if (!(start > now())) return failure(400, "start_time must be larger than today");
      if (!(end > start)) return failure(400, "end_time or appointment_type_id is required");
      if (a.operatory_id === undefined) return failure(400, "operatory_id is required");
      const appt: Appointment = {
        id: ++nextId,
        patient_id: patient.id,
        provider_id: Number(a.provider_id),
        location_id: loc.id,
        operatory_id: Number(a.operatory_id),
        start_time: new Date(start).toISOString(),
        end_time: new Date(end).toISOString(),
        timezone: loc.tz,
        note: a.note ?? null,
        confirmed: false,
        cancelled: false,
        foreign_id: null,
        created_at: new Date(now()).toISOString(),
        updated_at: new Date(now()).toISOString(),
      };
      appointments.push(appt);
      return envelope(201, { appt, stripe_client_secret: null });
    }
    const apptMatch = path.match(/^\/appointments\/(\d+)$/);
    if (apptMatch) {
      const appt = appointments.find((a) => a.id === Number(apptMatch[1]) && inst.locations.some((l) => l.id === a.location_id));
      if (!appt) return failure(404, "Appointment not found");
      if (req.method === "GET") {
        if (!appt.foreign_id) {
          noteRead("appointment", appt.id, inst, () => {
            const refused = failingInsertions > 0 || clashes(appt);
            if (failingInsertions > 0) failingInsertions--;
            insertAppointment(appt, refused ? "failed" : "complete");
          });
        }
        return envelope(200, { ...appt });
      }
      const change = (body?.appt ?? {}) as Row;
      if (change.cancelled === true) {
        if (NO_CANCEL_PMS.has(norm(inst.emr))) return failure(400, "Cancelling appointments is not supported for this EMR");
        if (appt.cancelled) return failure(400, "Appointment is already cancelled");
        appt.cancelled = true;
      }
      if (change.start_time || change.end_time || change.operatory_id) {
        if (!RESCHEDULE_PMS.has(norm(inst.emr))) return failure(400, "Rescheduling is not supported for this EMR");
        if (change.start_time) appt.start_time = new Date(String(change.start_time)).toISOString();
        if (change.end_time) appt.end_time = new Date(String(change.end_time)).toISOString();
        if (change.operatory_id) appt.operatory_id = Number(change.operatory_id);
      }
      appt.updated_at = new Date(now()).toISOString();
      return envelope(200, { ...appt });
    }
    return failure(404, "Not Found");
  }

  const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: handle });

  return {
    url: `http://127.0.0.1:${server.port}`,
    behaviour,
    institutions,
    providers,
    patients,
    appointments,
    payments,
    alerts,
    coverages,
    endpoints,
    subscriptions,
    deliveries,
    calls,
    addInstitution(init: Partial<FakeInstitution> & { id: number; subdomain: string; locations: FakeLocation[] }) {
      const inst: FakeInstitution = {
        reachable: true,
        emr: "Dentrix",
        readStatus: "green",
        writeStatus: "green",
        financialData: true,
        insertion: "on_read",
        insertionReads: 1,
        ...init,
      };
      institutions.push(inst);
      return inst;
    },
    workingHours,
    operatories,
    /**
     * The office's own staff at work in the PMS. NexHealth sees each change on its next read of the PMS
     * and tells subscribers (`appointment_created`, or `appointment_updated` with `cancelled: true`).
     */
    frontDesk: {
      book(init: { locationId: number; providerId: number; operatoryId: number; start: string; minutes: number; patientId?: number }) {
        const inst = institutions.find((i) => i.locations.some((l) => l.id === init.locationId));
        if (!inst) throw new Error(`no location ${init.locationId}`);
        const start = Date.parse(init.start);
        const appt: Appointment = {
          id: ++nextId,
          patient_id: init.patientId ?? 401,
          provider_id: init.providerId,
          location_id: init.locationId,
          operatory_id: init.operatoryId,
          start_time: new Date(start).toISOString(),
          end_time: new Date(start + init.minutes * 60_000).toISOString(),
          cancelled: false,
          unavailable: false,
          foreign_id: String(70000 + nextId),
          created_at: new Date(now()).toISOString(),
          updated_at: new Date(now()).toISOString(),
        };
        appointments.push(appt);
        emit(inst, "Appointment", "appointment_created", "", { appointment: { ...appt } });
        return appt.id;
      },
      cancel(id: number) {
        const appt = appointments.find((a) => a.id === id);
        const inst = institutions.find((i) => i.locations.some((l) => l.id === appt?.location_id));
        if (!appt || !inst) throw new Error(`no appointment ${id}`);
        appt.cancelled = true;
        appt.updated_at = new Date(now()).toISOString();
        emit(inst, "Appointment", "appointment_updated", "", { appointment: { ...appt } });
      },
    },
    /** Settles a booking as the PMS would (and tells the subscribers). */
    insertAppointment(id: number, result: "complete" | "failed" | "timed_out") {
      const appt = appointments.find((a) => a.id === id);
      if (!appt) throw new Error(`no appointment ${id}`);
      insertAppointment(appt, result);
    },
    insertPayment(transactionId: string, result: "complete" | "failed") {
      const payment = payments.find((p) => p.transaction_id === transactionId);
      if (!payment) throw new Error(`no payment ${transactionId}`);
      insertPayment(payment, result);
    },
    /** The next booking the PMS processes (on read-back) is refused, as a front-desk conflict would. */
    failNextInsertion() {
      failingInsertions++;
    },
    /** Sends the latest delivery again, re-signed now, as NexHealth's retry would. */
    redeliverLast() {
      const last = deliveries[deliveries.length - 1];
      const endpoint = endpoints.find((e) => e.target_url === last?.url);
      if (!last || !endpoint) throw new Error("nothing to redeliver");
      send(last.url, endpoint.secret_key, last.body);
    },
    /** Resolves once every delivery sent so far has been answered. */
    async flush() {
      await Promise.all(pendingDeliveries.splice(0));
    },
    /** The next call whose path matches fails once: an HTTP error, or `code: false` inside a 200. */
    failNext(path: RegExp, status: number, error = "Something went wrong", codeFalse = false) {
      faults.push({ path, status, codeFalse, error });
    },
    /** The next write to a matching path is performed, but its answer is lost (504). */
    loseNextAnswer(path: RegExp) {
      lostAnswers.push(path);
    },
    /** The latency knob: every answer after this takes `ms` (benchmarks; tests never wait on it). */
    setLatency(ms: number) {
      latencyMs = ms;
    },
    expireTokens() {
      for (const token of tokens.keys()) tokens.set(token, 0);
    },
    issuedTokens: () => tokens.size,
    setNow(fn: () => number) {
      now = fn;
    },
    stop: () => server.stop(true),
  };
}

export type FakeNexHealth = ReturnType<typeof startFakeNexHealth>;

/**
 * Two institutions the key reaches (and one it does not), with two locations in the first, so a mix-up
 * of institution or location shows: the same patient name lives in both locations.
 */
export function seedNexHealth(fake: FakeNexHealth, init: { emr?: string; insertion?: Insertion } = {}) {
  const acme = fake.addInstitution({
    id: 1,
    subdomain: "acme-demo-practice",
    emr: init.emr ?? "Dentrix",
    insertion: init.insertion ?? "on_read",
    locations: [
      { id: 7, name: "Downtown", tz: "America/New_York" },
      { id: 8, name: "Uptown", tz: "America/Chicago" },
    ],
  });
  const other = fake.addInstitution({ id: 2, subdomain: "other-smiles", emr: "Curve", locations: [{ id: 9, name: "Main", tz: "America/New_York" }] });
  fake.addInstitution({ id: 3, subdomain: "stranger-dental", reachable: false, locations: [{ id: 11, name: "Main", tz: "America/New_York" }] });
  fake.providers.push(
    { id: 83, location_id: 7, name: "Dr. Ana Sherman", display_name: "Dr. Ana Sherman", requestable: true, inactive: false },
    { id: 84, location_id: 7, name: "Dr. Ben Ito", display_name: "Dr. Ben Ito", requestable: true, inactive: false },
    { id: 85, location_id: 7, name: "Dr. Gone", display_name: "Dr. Gone", requestable: true, inactive: true },
    { id: 86, location_id: 7, name: "Hygiene Only", display_name: "Hygiene Only", requestable: false, inactive: false },
    { id: 90, location_id: 8, name: "Dr. Uptown", display_name: "Dr. Uptown", requestable: true, inactive: false },
    { id: 95, location_id: 9, name: "Dr. Other", display_name: "Dr. Other", requestable: true, inactive: false },
  );
  // Every provider works weekdays 9 to 5 in a chair of their own (NexHealth needs a working hour to book).
  for (const p of fake.providers) {
    const chair = 180 + (p.id % 10);
    if (!fake.operatories.some((o) => o.id === chair && o.location_id === p.location_id))
      fake.operatories.push({ id: chair, location_id: p.location_id, name: `Chair ${chair}`, active: true });
    fake.workingHours.push({
      id: 7000 + p.id,
      provider_id: p.id,
      location_id: p.location_id,
      operatory_id: chair,
      begin_time: "09:00",
      end_time: "17:00",
      days: ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"],
      specific_date: null,
      custom_recurrence: null,
      active: true,
      source: "synced",
    });
  }
  for (let i = 1; i <= 12; i++) {
    fake.patients.push({
      id: 400 + i,
      first_name: `Pat${i}`,
      last_name: `Filler${i}`,
      name: `Pat${i} Filler${i}`,
      email: `pat${i}@example.com`,
      institution_id: 1,
      location_ids: [7],
      foreign_id: String(1000 + i),
      guarantor_id: 400 + i,
      inactive: false,
      bio: { date_of_birth: "1970-01-01", phone_number: `20255510${String(i).padStart(2, "0")}` },
    });
  }
  fake.patients.push(
    {
      id: 415,
      first_name: "Carlene",
      last_name: "Victoria",
      name: "Carlene Victoria",
      email: "carlene@example.com",
      institution_id: 1,
      location_ids: [7],
      foreign_id: "100437",
      guarantor_id: 415,
      inactive: false,
      balance: "125.50",
      bio: { date_of_birth: "1984-12-10", phone_number: "2025550123", gender: "Female" },
    },
    {
      id: 416,
      first_name: "Carlene",
      last_name: "Victoria",
      name: "Carlene Victoria",
      email: "carlene.uptown@example.com",
      institution_id: 1,
      location_ids: [8],
      foreign_id: "200437",
      guarantor_id: 416,
      inactive: false,
      bio: { date_of_birth: "1984-12-10", phone_number: "2025550123" },
    },
    {
      id: 417,
      first_name: "Old",
      last_name: "Victoria",
      name: "Old Victoria",
      email: "old@example.com",
      institution_id: 1,
      location_ids: [7],
      inactive: true,
      bio: { date_of_birth: "1950-01-01", phone_number: "2025550999" },
    },
  );
  fake.coverages.push({
    id: 1,
    patient_id: 415,
    plan_id: 3,
    subscription_relation: "self",
    priority: 0,
    subscriber_num: "XK99887766",
    active: true,
    plan: { id: 3, name: "Delta Dental PPO", group_num: "G-7788", payer_id: "CDCA1" },
  });
  return { acme, other };
}
