import { chromium } from "playwright-core";
import { practiceOf } from "../src/accounts/service";
import { createApp } from "../src/app";
import { loadConfig } from "../src/config";
import { openDatabase } from "../src/db/client";
import { applyMigrations } from "../src/db/migrate";
import { createDeps } from "../src/deps";
import { mintToken } from "../src/http/auth/jwt";
import { createLogger } from "../src/lib/logger";

/**
 * Checks the explorer as clinic IT sees it, in a real headless Chromium (Debian's `chromium`):
 * `/docs` and `/docs/` render every operation group, and an admin who authorizes with a token and
 * sets X-Account-Id can "Try it out" on a write route and gets a 201. Loopback only.
 * Run: npm run check:docs-browser (screenshots go to the folder named by DOCS_SCREENSHOTS, if set).
 */
const secret = "docs-check-secret-0123456789abcdef0123";
const loaded = loadConfig({
  NODE_ENV: "test",
  DATABASE_URL: ":memory:",
  VAPI_WEBHOOK_SECRET: secret,
  ADMIN_JWT_SECRET: secret,
  ENCRYPTION_KEY: "33".repeat(32),
  PUBLIC_URL: "http://127.0.0.1:3917",
});
if (!loaded.ok) throw new Error(loaded.problems.join("; "));
const database = await openDatabase(loaded.config.database);
await applyMigrations(database.db);
const deps = createDeps({ config: loaded.config, db: database.db, logger: createLogger({ level: "silent" }) });
const account = await deps.accounts.create({ name: "Docs Check Dental", timezone: "America/New_York" });
await deps.integrations.configure(practiceOf(account), "sandbox", {});
const app = createApp(deps).listen({ port: 3917, hostname: "127.0.0.1" });
const token = await mintToken(secret, { role: "admin" }, { ttlSeconds: 600 });

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});
const problems: string[] = [];
try {
  const page = await browser.newPage();
  for (const path of ["/docs", "/docs/"]) {
    await page.goto(`http://127.0.0.1:3917${path}`);
    await page.waitForSelector(".opblock-tag", { timeout: 15_000 });
    const groups = await page.locator(".opblock-tag").allInnerTexts();
    for (const tag of ["Appointments", "Patients", "Vapi", "Admin", "Operations"]) {
      if (!groups.some((g) => g.startsWith(tag))) problems.push(`${path}: group ${tag} missing`);
    }
    const operations = await page.locator(".opblock").count();
    console.log(`${path}: ${groups.length} groups, ${operations} operations rendered`);
    if (process.env.DOCS_SCREENSHOTS)
      await page.screenshot({ path: `${process.env.DOCS_SCREENSHOTS}/docs${path === "/docs/" ? "-slash" : ""}.png`, fullPage: false });
  }

  await page.click("button.authorize");
  const bearerInput = page.locator(".auth-container").filter({ hasText: "bearer" }).locator("input").first();
  await bearerInput.fill(token);
  await page.locator(".auth-container").filter({ hasText: "bearer" }).locator("button.authorize").click();
  await page.click("button.btn-done");

  const note = page.locator("#operations-Patients-add_patient_note");
  await note.locator(".opblock-summary").click();
  await note.locator("button.try-out__btn").click();
  await note.locator('tr[data-param-name="id"] input').fill("1");
  await note.locator('tr[data-param-name="X-Account-Id"] input').fill(account.id);
  await note.locator("button.execute").click();
  await note.locator(".live-responses-table tbody .response-col_status").first().waitFor({ timeout: 15_000 });
  const status = (await note.locator(".live-responses-table tbody .response-col_status").first().innerText()).trim();
  console.log(`Try it out: POST /api/pms/patients/1/notes as admin with X-Account-Id -> ${status}`);
  if (process.env.DOCS_SCREENSHOTS) await page.screenshot({ path: `${process.env.DOCS_SCREENSHOTS}/docs-try-it-out.png`, fullPage: false });
  if (status !== "201") problems.push(`Try it out answered ${status}, expected 201`);
} finally {
  await browser.close();
  await app.stop(true);
  database.close();
}
if (problems.length > 0) {
  console.error(problems.join("\n"));
  process.exit(1);
}
console.log("explorer: ok");
