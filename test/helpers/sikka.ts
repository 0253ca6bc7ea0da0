import { seedPractice, startFakeSikka } from "../fakes/sikka";
import { adminToken, makeTestApp, type TestAppOptions } from "./app";
import { connectClinic } from "./connect-clinic";
import { bearer } from "./request";

export const SIKKA_APP = { appId: "app-test-id", appKey: "app-test-key" };

/** The real app wired to a local fake Sikka, with two practices under one office and one under another. */
export async function makeSikkaTestApp(options: TestAppOptions = {}) {
  const sikka = startFakeSikka(SIKKA_APP);
  const north = seedPractice(sikka, { officeId: "D20006", secretKey: "secret-north", practiceId: "1", custId: "C1", lastName: "Victoria" });
  const south = seedPractice(sikka, { officeId: "D20006", secretKey: "secret-north", practiceId: "1-1", custId: "C2", lastName: "Southwell" });
  const t = await makeTestApp({
    ...options,
    env: {
      SIKKA_CLIENT_ID: SIKKA_APP.appId,
      SIKKA_CLIENT_SECRET: SIKKA_APP.appKey,
      SIKKA_API_URL: sikka.url,
      SIKKA_WRITEBACK_WAIT_MS: "1000",
      ...options.env,
    },
  });
  const admin = bearer(await adminToken());
  const sikkaClinic = (name: string, credentials: Record<string, string>, extra: Record<string, unknown> = {}) =>
    connectClinic(t.handle, admin, { provider: "sikka", name, credentials, extra });

  return {
    ...t,
    sikka,
    north,
    south,
    admin,
    sikkaClinic,
    close() {
      t.close();
      sikka.stop();
    },
  };
}

export type SikkaTestApp = Awaited<ReturnType<typeof makeSikkaTestApp>>;
