import { Elysia, t } from "elysia";

// The reference for "what this machine does per request": a bare Elysia route with TypeBox validation.
const port = Number(process.argv[2] ?? 3999);
new Elysia()
  .post("/echo", ({ body }) => ({ ok: true, date: body.date }), {
    body: t.Object({ date: t.String({ pattern: "^\\d{4}-\\d{2}-\\d{2}$" }), limit: t.Integer({ minimum: 1, maximum: 20 }) }),
  })
  .get("/ready", () => "ok")
  .listen({ port, hostname: "127.0.0.1" });
