import { makeSikkaTestApp } from "../helpers/sikka";
import { runConnectorContract } from "./contract";

runConnectorContract("sikka", async () => {
  const t = await makeSikkaTestApp();
  const clinic = await t.sikkaClinic("North (Sikka)", { officeId: "D20006", secretKey: "secret-north", practiceId: "1" });
  if (clinic.status !== 200) throw new Error(`could not connect the Sikka clinic: ${JSON.stringify(clinic.body)}`);
  return { handle: t.handle, headers: clinic.headers, close: t.close };
});
