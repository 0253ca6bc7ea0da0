import { toOpenAPISchema } from "@elysiajs/openapi";
import type { Elysia } from "elysia";
import "./formats";
import { refineDocument } from "./refine";

// Resolved at run time from where the code runs (the sources or the bundle), through node_modules.
const asset = (name: string) => require.resolve(`swagger-ui-dist/${name}`);
const ASSETS: Record<string, { path: string; type: string }> = {
  "swagger-ui.css": { path: asset("swagger-ui.css"), type: "text/css; charset=utf-8" },
  "swagger-ui-bundle.js": { path: asset("swagger-ui-bundle.js"), type: "text/javascript; charset=utf-8" },
};

const SPEC_PATH = "/docs/json";
const hidden = { detail: { hide: true } };

const documentation = (publicUrl: string) => ({
  openapi: "3.1.0",
  info: {
    title: "pms-gateway",
    version: "0.1.0",
    description:
      "Lets a voice-AI dental receptionist (Vapi) work in a clinic's practice-management system. " +
      "Every success is `{data, summary}`; every failure is `{error: {code, message, requestId}}`.",
  },
  servers: [{ url: publicUrl }],
  tags: [
    { name: "Appointments", description: "Availability, booking, moving and cancelling" },
    { name: "Patients", description: "Lookup, registration, notes, balance, insurance, payments" },
    { name: "Vapi", description: "The server URL for Vapi function tools, and the tool definitions" },
    { name: "Admin", description: "Clinic accounts, PMS credentials, audit log" },
    { name: "Operations", description: "Health and readiness" },
    { name: "Connectors", description: "Event deliveries from PMS vendors (signed by the vendor)" },
  ],
});

const securitySchemes = {
  vendorSignature: {
    type: "apiKey",
    in: "header",
    name: "signature",
    description: "The PMS vendor's signature of the delivery (NexHealth: hex HMAC-SHA256 of `{timestamp}.{base64(raw body)}`, with the `timestamp` header)",
  },
  bearer: { type: "http", scheme: "bearer", description: "Clinic/admin JWT (HS256) or the Vapi bearer credential" },
  vapiSecret: { type: "apiKey", in: "header", name: "x-vapi-secret" },
  vapiSignature: {
    type: "apiKey",
    in: "header",
    name: "x-vapi-signature",
    description: "HMAC-SHA256 or -SHA512 (hex or base64) of `{x-vapi-timestamp}.{raw body}` (GET: `{timestamp}.{METHOD}.{path?query}`)",
  },
};

/**
 * The explorer page. The document URL is absolute, so `/docs` and `/docs/` both load it; the assets
 * come from node_modules, so it works on a machine with no internet access.
 */
const page = () => `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8" />
  <meta name="viewport" content="width=device-width, initial-scale=1" />
  <title>pms-gateway API</title>
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css" />
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script>
    window.onload = () => {
      window.ui = SwaggerUIBundle({ url: "${SPEC_PATH}", dom_id: "#swagger-ui", persistAuthorization: false, tryItOutEnabled: false });
    };
  </script>
</body>
</html>`;

/**
 * The OpenAPI explorer for clinic IT at /docs and the document at /docs/json, generated from the routes
 * of the whole app (a functional plugin sees the app it is mounted on) and refined once.
 */
export const docsModule = (publicUrl: string) => (app: Elysia) => {
  let cached: { routes: number; document: Record<string, unknown> } | null = null;
  const html = page();
  const servePage = () => new Response(html, { headers: { "content-type": "text/html; charset=utf-8" } });
  return app
    .get("/docs", servePage, hidden)
    .get("/docs/", servePage, hidden)
    .get(
      "/docs/assets/:file",
      ({ params, set }) => {
        const found = ASSETS[params.file];
        if (!found) {
          set.status = 404;
          return "Not found";
        }
        set.headers["content-type"] = found.type;
        set.headers["cache-control"] = "public, max-age=86400";
        return Bun.file(found.path);
      },
      hidden,
    )
    .get(
      SPEC_PATH,
      () => {
        if (cached?.routes === app.routes.length) return cached.document;
        const generated = toOpenAPISchema(app as never, {}, undefined, undefined, "3.1.0") as {
          paths: Record<string, unknown>;
          components: { schemas: Record<string, unknown> };
        };
        const base = documentation(publicUrl);
        const document = refineDocument({
          ...base,
          paths: generated.paths,
          components: { schemas: generated.components?.schemas ?? {}, securitySchemes },
        });
        cached = { routes: app.routes.length, document };
        return document;
      },
      hidden,
    );
};
