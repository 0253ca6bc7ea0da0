import { API_KEY, type Insertion, seedNexHealth, startFakeNexHealth } from "../fakes/nexhealth";
import { adminToken, clinicToken, makeTestApp, type TestApp, type TestAppOptions } from "./app";
import { bearer, json, jsonRequest } from "./request";

export const GATEWAY_URL = "https://gateway.test";

/**
 * The real app wired to a local fake NexHealth whose webhook deliveries reach the app in-process, with
 * two reachable institutions (two locations in the first) and one the key cannot reach.
 */
export async function makeNexHealthTestApp(options: TestAppOptions & { emr?: string; insertion?: Insertion } = {}) {
  let app: TestApp | undefined;
  const nexhealth = startFakeNexHealth({
    deliver: (url, init) => {
      if (!app || !url.startsWith(GATEWAY_URL)) return Promise.reject(new Error("unreachable"));
      return app.handle(new Request(url, init));
    },
  });
  const seeded = seedNexHealth(nexhealth, { ...(options.emr ? { emr: options.emr } : {}), ...(options.insertion ? { insertion: options.insertion } : {}) });
  const t = await makeTestApp({
    ...options,
    env: { NEXHEALTH_API_KEY: API_KEY, NEXHEALTH_API_URL: nexhealth.url, PUBLIC_URL: GATEWAY_URL, NEXHEALTH_INSERTION_WAIT_MS: "0", ...options.env },
  });
  app = t;
  nexhealth.setNow(() => t.clock.now().getTime());
  const admin = bearer(await adminToken());
  async function nexhealthClinic(name: string, credentials: Record<string, unknown>, extra: Record<string, unknown> = {}) {
    const created = await json(await t.handle(jsonRequest("/api/admin/accounts", { headers: admin, body: { name, timezone: "America/New_York", ...extra } })));
    const id = created.account.id as string;
    const res = await t.handle(jsonRequest(`/api/admin/accounts/${id}/pms`, { method: "PUT", headers: admin, body: { provider: "nexhealth", credentials } }));
    return { id, status: res.status, body: await json(res), headers: bearer(await clinicToken(id)) };
  }
  return {
    ...t,
    nexhealth,
    ...seeded,
    admin,
    nexhealthClinic,
    close() {
      t.close();
      nexhealth.stop();
    },
  };
}

export type NexHealthTestApp = Awaited<ReturnType<typeof makeNexHealthTestApp>>;
