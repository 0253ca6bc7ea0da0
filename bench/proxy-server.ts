import { Elysia, t } from "elysia";
import { PATIENT_QUERY } from "../src/connectors/sikka/mappers";
import { BENCH_VENDOR } from "./vendor-process";

// bun bench/proxy-server.ts <port> <vendor url>: the floor of the Sikka path. A bare Elysia route on the
// service's path that asks the same fake Sikka for the same patient, with the query the connector sends,
// and answers what it read. No authentication, account, limits, resilience, audit row or log line: what is
// left is receiving the request, one exchange with the vendor in another process, and the answer. On a
// machine whose cores the load generator, the vendor and the service share, that exchange has a tail of
// its own under load; the service's overhead is what it adds to this, measured in the same run.
// `npm run bench:sikka` drives the same route in one process (`floorApp`).

/** One request key for the run, as the service keeps one per practice. */
async function grantRequestKey(vendorUrl: string): Promise<string> {
  const grant = await fetch(`${vendorUrl}/request_key`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      grant_type: "request_key",
      office_id: BENCH_VENDOR.practice.officeId,
      secret_key: BENCH_VENDOR.practice.secretKey,
      app_id: BENCH_VENDOR.app.appId,
      app_key: BENCH_VENDOR.app.appKey,
    }),
  });
  const requestKey = ((await grant.json()) as { request_key?: string }).request_key;
  if (!requestKey) throw new Error("the fake Sikka granted no request key");
  return requestKey;
}

type Row = Record<string, unknown>;

/** The floor's route, not yet listening, asking the fake Sikka at `vendorUrl`. */
export async function floorApp(vendorUrl: string) {
  const requestKey = await grantRequestKey(vendorUrl);
  return new Elysia()
    .get(
      "/api/pms/patients/:id",
      async ({ params, status }) => {
        const query = new URLSearchParams({ practice_id: BENCH_VENDOR.practice.practiceId, patient_id: params.id, ...PATIENT_QUERY });
        const res = await fetch(`${vendorUrl}/patients?${query}`, { headers: { accept: "application/json", "Request-Key": requestKey } });
        const body = (await res.json()) as { items?: Row[] };
        const row = body.items?.find((r) => r.patient_id === params.id);
        if (!row) return status(404, { error: "not_found" });
        return { patient: { id: row.patient_id, firstName: row.firstname, lastName: row.lastname, dateOfBirth: row.birthdate } };
      },
      { params: t.Object({ id: t.String({ pattern: "^[A-Za-z0-9_-]{1,64}$" }) }) },
    )
    .get("/ready", () => "ok");
}

if (import.meta.main) {
  const port = Number(process.argv[2] ?? 3997);
  const vendorUrl = process.argv[3];
  if (!vendorUrl) throw new Error("usage: bun bench/proxy-server.ts <port> <vendor url>");
  (await floorApp(vendorUrl)).listen({ port, hostname: "127.0.0.1" });
}
