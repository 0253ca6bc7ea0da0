import { makeNexHealthTestApp } from "../helpers/nexhealth";
import { runConnectorContract } from "./contract";

// Insertion into the PMS completes on NexHealth's first read-back here, so writes confirm in the call.
runConnectorContract("nexhealth", async () => {
  const t = await makeNexHealthTestApp({ env: { NEXHEALTH_INSERTION_WAIT_MS: "1000" } });
  const clinic = await t.nexhealthClinic("Downtown (NexHealth)", { subdomain: "acme-demo-practice", locationId: 7 });
  if (clinic.status !== 200) throw new Error(`could not connect the NexHealth clinic: ${JSON.stringify(clinic.body)}`);
  return { handle: t.handle, headers: clinic.headers, close: t.close };
});
