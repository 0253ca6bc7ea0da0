import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import SwaggerParser from "@apidevtools/swagger-parser";
import { servedDocument } from "./openapi-document";

/**
 * `npm run lint` step: the served OpenAPI document must validate with Swagger Parser and pass
 * Redocly's recommended ruleset with no errors (warnings are printed, not fatal).
 */
const dir = mkdtempSync(join(tmpdir(), "openapi-"));
const file = join(dir, "openapi.json");
let failed = false;
try {
  const document = await servedDocument();
  writeFileSync(file, JSON.stringify(document, null, 2));
  await SwaggerParser.validate(structuredClone(document) as never);
  console.log("swagger-parser: the document is valid");
  const redocly = Bun.spawnSync(["node", join(import.meta.dir, "..", "node_modules", "@redocly", "cli", "bin", "cli.js"), "lint", file, "--format=codeframe"], {
    stdout: "pipe",
    stderr: "pipe",
    env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" },
  });
  const output = `${redocly.stdout.toString()}${redocly.stderr.toString()}`;
  console.log(
    output
      .split("\n")
      .filter((l) => !/[║╔╚]/.test(l))
      .join("\n")
      .trim(),
  );
  if (redocly.exitCode !== 0) failed = true;
} catch (e) {
  console.error(`swagger-parser: ${(e as Error).message}`);
  failed = true;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
