import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { seedPractice, startFakeSikka } from "../fakes/sikka";
import { cliEnvironment, runCliCaptured } from "../helpers/cli";
import { SIKKA_APP } from "../helpers/sikka";

let dir: string;
let sikka: ReturnType<typeof startFakeSikka>;
let env: Record<string, string>;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "pms-gw-cli-mirror-"));
  sikka = startFakeSikka(SIKKA_APP);
  seedPractice(sikka, { officeId: "D20006", secretKey: "secret-north", practiceId: "1" });
  env = cliEnvironment(dir, { SIKKA_CLIENT_ID: SIKKA_APP.appId, SIKKA_CLIENT_SECRET: SIKKA_APP.appKey, SIKKA_API_URL: sikka.url });
});
afterEach(() => {
  sikka.stop();
  rmSync(dir, { recursive: true, force: true });
});

const cli = (argv: string[], stdin = "") => runCliCaptured(argv, env, stdin);

describe("npm run cli -- mirror:resync", () => {
  test("reloads a practice's schedule mirror from its PMS now; refuses what it cannot mirror", async () => {
    const created = JSON.parse((await cli(["accounts:create", "--name", "North", "--timezone", "America/New_York"])).out);
    const sandbox = JSON.parse((await cli(["accounts:create", "--name", "Sandbox", "--timezone", "America/New_York"])).out);
    expect(
      (
        await cli(
          ["pms:set", "--account", created.id, "--provider", "sikka"],
          JSON.stringify({ officeId: "D20006", secretKey: "secret-north", practiceId: "1" }),
        )
      ).code,
    ).toBe(0);
    expect((await cli(["pms:set", "--account", sandbox.id, "--provider", "sandbox"], "{}")).code).toBe(0);

    const resync = await cli(["mirror:resync", "--account", created.id]);
    expect(resync.code).toBe(0);
    expect(JSON.parse(resync.out)).toEqual({ accountId: created.id, outcome: "full", provider: "sikka", mirrorError: null });
    expect(sikka.calls.some((c) => c.path === "/appointments" && c.query.includes("startdate"))).toBe(true);

    const noFeed = await cli(["mirror:resync", "--account", sandbox.id]);
    expect(noFeed.code).toBe(2);
    expect(noFeed.err).toContain("no PMS with a change feed");
    expect((await cli(["mirror:resync"])).code).toBe(2);
    expect((await cli(["mirror:resync", "--account", "acc_nope"])).err).toContain("no such account");

    sikka.behaviour.failNext = 100;
    const down = await cli(["mirror:resync", "--account", created.id]);
    expect(down.code).toBe(1);
    expect(JSON.parse(down.out).mirrorError).toBe("unavailable");
  });
});
