import { openapi } from "@elysiajs/openapi";
import { Elysia } from "elysia";
import { fileURLToPath } from "node:url";

const asset = (name: string) => fileURLToPath(import.meta.resolve(`swagger-ui-dist/${name}`));
const ASSETS: Record<string, { path: string; type: string }> = {
  "swagger-ui.css": { path: asset("swagger-ui.css"), type: "text/css; charset=utf-8" },
  "swagger-ui-bundle.js": { path: asset("swagger-ui-bundle.js"), type: "text/javascript; charset=utf-8" },
};

/**
 * The OpenAPI explorer for clinic IT at /docs and the document at /docs/json. Swagger UI's assets are
 * served from node_modules, so the explorer works on a machine with no internet access.
 */
export const docsModule = (publicUrl: string) =>
  new Elysia({ name: "modules/docs" })
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
      { detail: { hide: true } },
    )
    .use(
      openapi({
        path: "/docs",
        specPath: "/docs/json",
        provider: "swagger-ui",
        swagger: {
          cdn: "/docs/assets/swagger-ui-bundle.js",
          theme: "/docs/assets/swagger-ui.css",
          autoDarkMode: false,
          persistAuthorization: false,
        },
        exclude: { paths: ["/docs/assets/:file"] },
        documentation: {
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
          ],
          components: {
            securitySchemes: {
              bearer: { type: "http", scheme: "bearer", description: "Clinic/admin JWT (HS256) or the Vapi bearer credential" },
              vapiSecret: { type: "apiKey", in: "header", name: "x-vapi-secret" },
              vapiSignature: {
                type: "apiKey",
                in: "header",
                name: "x-vapi-signature",
                description: "Hex HMAC-SHA256 of `{x-vapi-timestamp}.{raw body}` (GET: `{timestamp}.{METHOD}.{path?query}`)",
              },
            },
          },
        },
      }),
    );
