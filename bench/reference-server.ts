import { Elysia, t } from "elysia";

// The reference for "what this machine does per request": a bare Elysia route that validates the same
// body with TypeBox. It listens on the service's path and is sent the very same bytes (headers, body) as
// the service, so a ratio compares the service's work with the cost of receiving, parsing and validating
// that request and answering it, nothing else.
const port = Number(process.argv[2] ?? 3999);
const ToolCall = t.Object({
  id: t.String({ minLength: 1, maxLength: 128 }),
  type: t.Literal("function"),
  function: t.Object({ name: t.String({ minLength: 1, maxLength: 64 }), arguments: t.Union([t.Record(t.String(), t.Unknown()), t.String()]) }),
});
const Envelope = t.Object({
  message: t.Object({
    type: t.String(),
    toolCallList: t.Array(ToolCall, { minItems: 1, maxItems: 64 }),
    call: t.Object({ id: t.String({ minLength: 1, maxLength: 128 }), metadata: t.Optional(t.Record(t.String(), t.Unknown())) }),
    customer: t.Optional(t.Object({ number: t.String({ maxLength: 32 }) })),
  }),
});
new Elysia()
  .post("/api/vapi/webhook", ({ body }) => ({ results: body.message.toolCallList.map((c) => ({ toolCallId: c.id, result: "ok" })) }), { body: Envelope })
  // The reference of earlier runs (a 33-byte body, no headers to speak of), kept for comparison with them.
  .post("/echo", ({ body }) => ({ ok: true, date: body.date }), {
    body: t.Object({ date: t.String({ pattern: "^\\d{4}-\\d{2}-\\d{2}$" }), limit: t.Integer({ minimum: 1, maximum: 20 }) }),
  })
  .get("/ready", () => "ok")
  .listen({ port, hostname: "127.0.0.1" });
