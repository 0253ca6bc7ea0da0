import { clinicToken, createSandboxClinic, makeTestApp } from "../helpers/app";
import { bearer } from "../helpers/request";
import { runConnectorContract } from "./contract";

runConnectorContract("sandbox", async () => {
  const t = await makeTestApp();
  const account = await createSandboxClinic(t.deps);
  return { handle: t.handle, headers: bearer(await clinicToken(account.id)), close: t.close };
});
