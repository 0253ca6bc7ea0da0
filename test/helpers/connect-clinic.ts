import { clinicToken } from "./app";
import { bearer, json, jsonRequest } from "./request";

/**
 * Creates a clinic and connects it to a vendor through the admin API, as a clinic's IT person would:
 * the answer of `PUT …/pms` (status and body) and the clinic's own token headers.
 */
export async function connectClinic(
  handle: (request: Request) => Promise<Response>,
  admin: Record<string, string>,
  connection: { provider: string; name: string; credentials: Record<string, unknown>; extra?: Record<string, unknown> },
) {
  const created = await json(
    await handle(jsonRequest("/api/admin/accounts", { headers: admin, body: { name: connection.name, timezone: "America/New_York", ...connection.extra } })),
  );
  const id = created.account.id as string;
  const res = await handle(
    jsonRequest(`/api/admin/accounts/${id}/pms`, {
      method: "PUT",
      headers: admin,
      body: { provider: connection.provider, credentials: connection.credentials },
    }),
  );
  return { id, status: res.status, body: await json(res), headers: bearer(await clinicToken(id)) };
}
