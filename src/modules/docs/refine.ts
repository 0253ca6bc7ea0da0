import { errorStatus } from "../../lib/errors";
import { type AnyOperation, operations } from "../../operations";

/**
 * Cross-cutting facts of the OpenAPI document that Elysia cannot derive from one route: the error
 * statuses each route family can answer, the gateway's headers, the call envelope, and JSON Schema
 * forms OpenAPI 3.1 spells differently from TypeBox. Applied once, to the generated document.
 */

// biome-ignore lint/suspicious/noExplicitAny: this walks and edits an untyped JSON document of any shape.
type Json = Record<string, any>;
const isObject = (v: unknown): v is Json => !!v && typeof v === "object" && !Array.isArray(v);

const ERROR_REF = { $ref: "#/components/schemas/Error" };

/** Statuses each family of routes can answer with the error envelope. */
const ERROR_STATUSES: Array<{ prefix: string; statuses: number[] }> = [
  { prefix: "/api/pms/", statuses: [400, 401, 403, 404, 409, 413, 422, 429, 500, 501, 502, 503, 504] },
  { prefix: "/api/vapi/", statuses: [401, 413, 429, 500] },
  { prefix: "/api/admin/", statuses: [400, 401, 403, 404, 413, 429, 500, 502, 503, 504] },
  { prefix: "/metrics", statuses: [401, 403, 500] },
];

const DESCRIPTIONS: Record<number, string> = {
  400: "Invalid input (VALIDATION, ACCOUNT_REQUIRED, CARD_DATA_NOT_ALLOWED)",
  401: "Missing or invalid credentials",
  403: "Another clinic's data, or the caller is not verified (FORBIDDEN, ACCOUNT_MISMATCH, VERIFICATION_REQUIRED)",
  404: "Unknown clinic, patient, appointment or route",
  409: "The slot is taken, or the first request with this Idempotency-Key is still running",
  413: "The body is over 1 MiB (PAYLOAD_TOO_LARGE)",
  422: "The Idempotency-Key was used with different arguments (IDEMPOTENCY_KEY_REUSED)",
  429: "Rate limited; retry after Retry-After seconds",
  500: "Unexpected error on the gateway's side (INTERNAL)",
  501: "The clinic's PMS cannot do this (UNSUPPORTED_BY_PMS)",
  502: "The PMS answered with an error (PMS_ERROR)",
  503: "The PMS or the gateway's storage is unavailable (PMS_UNAVAILABLE)",
  504: "The PMS did not answer in time (PMS_TIMEOUT)",
};

const header = (name: string, description: string, schema: Json) => ({ name, in: "header", required: false, description, schema });
const ACCOUNT_HEADER = header("X-Account-Id", "The clinic (admin and Vapi credentials; a clinic token acts for its own clinic)", {
  type: "string",
  maxLength: 128,
});
const CALL_HEADER = header("X-Vapi-Call-Id", "The Vapi call a GET belongs to (caller gate for Vapi credentials)", { type: "string", maxLength: 128 });
const IDEMPOTENCY_HEADER = header("Idempotency-Key", "Makes the write safe to retry: the same key answers with the first outcome", {
  type: "string",
  pattern: "^[\\x21-\\x7e]{1,128}$",
});

/** The call envelope around the arguments of a PMS route. */
const envelopeOf = (args: Json): Json => ({
  type: "object",
  description: "The call envelope: the arguments in `data`, the clinic and call in `call`",
  required: ["call", "data"],
  properties: {
    call: {
      type: "object",
      properties: {
        id: { type: "string", maxLength: 128, description: "The Vapi call id" },
        metadata: { type: "object", properties: { accountId: { type: "string", maxLength: 128 } } },
      },
    },
    data: args,
  },
});

/**
 * Walks every schema: TypeBox tuples (`items: [..]`) become `prefixItems`, and Elysia's numeric
 * coercion unions ("an integer, or a string holding one") become the integer they stand for.
 */
function normalizeSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(normalizeSchema);
  if (!isObject(node)) return node;
  let out: Json = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, normalizeSchema(v)]));
  if (Array.isArray(out.items)) {
    const { items, additionalItems: _extra, ...rest } = out;
    out = { ...rest, prefixItems: items, items: false };
  }
  if (Array.isArray(out.anyOf)) {
    const kept = out.anyOf.filter((b: Json) => !(isObject(b) && b.type === "string" && (b.format === "integer" || b.format === "numeric")));
    if (kept.length === 1 && kept.length < out.anyOf.length) {
      const { anyOf: _a, ...rest } = out;
      out = { ...rest, ...kept[0] };
    }
  }
  return out;
}

const operationById = new Map<string, AnyOperation>(Object.values(operations).map((op) => [op.name, op]));

export function refineDocument(raw: Json): Json {
  const doc = normalizeSchema(raw) as Json;
  doc.components ??= {};
  doc.components.schemas = {
    ...doc.components.schemas,
    Error: {
      type: "object",
      description: "Every failure: a stable code, a message for people, and the request id to quote",
      required: ["error"],
      properties: {
        error: {
          type: "object",
          required: ["code", "message", "requestId"],
          properties: {
            code: { type: "string", enum: Object.keys(errorStatus) },
            message: { type: "string" },
            requestId: { type: "string" },
          },
        },
      },
    },
  };
  doc.info.license ??= { name: "Proprietary", identifier: "LicenseRef-Proprietary" };

  for (const [path, item] of Object.entries(doc.paths as Json)) {
    for (const [method, op] of Object.entries(item as Json)) {
      if (!isObject(op)) continue;
      if (path === "/health" || path === "/ready") op.security = [];
      const family = ERROR_STATUSES.find((f) => path.startsWith(f.prefix));
      op.responses ??= {};
      for (const status of family?.statuses ?? []) {
        op.responses[status] = { description: DESCRIPTIONS[status], content: { "application/json": { schema: ERROR_REF } } };
      }
      for (const [status, response] of Object.entries(op.responses as Json)) {
        if (isObject(response) && response.description?.startsWith("Response for status")) response.description = DESCRIPTIONS[Number(status)] ?? "Success";
      }
      if (op.responses[429]) {
        op.responses[429].headers = { "Retry-After": { description: "Seconds to wait", schema: { type: "integer", minimum: 0 } } };
      }
      if (!path.startsWith("/api/pms/") && !path.startsWith("/api/admin/")) continue;
      const operation = operationById.get(op.operationId);
      const headers = [ACCOUNT_HEADER, ...(method === "get" && path.startsWith("/api/pms/") ? [CALL_HEADER] : [])];
      if (operation?.write) headers.push(IDEMPOTENCY_HEADER);
      const taken = new Set((op.parameters ?? []).map((p: Json) => `${p.in}:${String(p.name).toLowerCase()}`));
      op.parameters = [...(op.parameters ?? []), ...headers.filter((h) => !taken.has(`header:${h.name.toLowerCase()}`))];
      const body = op.requestBody?.content?.["application/json"];
      if (operation && body?.schema) {
        body.schema = { anyOf: [body.schema, envelopeOf(body.schema)] };
      }
      if (operation && body && operation.example) {
        // A patient named in the path is not repeated in the body.
        const { patientId, ...rest } = operation.example as Record<string, unknown>;
        body.example = path.includes("{id}") ? rest : { ...(patientId === undefined ? {} : { patientId }), ...rest };
      }
      if (operation?.example && !body) {
        const example = operation.example as Record<string, unknown>;
        for (const p of op.parameters as Json[]) {
          const value = example[p.in === "path" ? "patientId" : p.name];
          if ((p.in === "query" || p.in === "path") && value !== undefined) p.example = value;
        }
      }
    }
  }
  return doc;
}
