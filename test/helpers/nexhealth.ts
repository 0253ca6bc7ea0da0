import { API_KEY, type Insertion, seedNexHealth, startFakeNexHealth } from "../fakes/nexhealth";
import { adminToken, makeTestApp, type TestApp, type TestAppOptions } from "./app";
import { connectClinic } from "./connect-clinic";
import { bearer } from "./request";

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
  const nexhealthClinic = (name: string, credentials: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    connectClinic(t.handle, admin, { provider: "nexhealth", name, credentials, extra });

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
