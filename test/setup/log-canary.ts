import { afterAll } from "bun:test";
import { allLogLines, TEST_ENCRYPTION_KEY, TEST_JWT_SECRET, TEST_WEBHOOK_SECRET } from "../helpers/app";

/**
 * T38, suite-wide: after every test has run, no log line written by any test app may contain a planted
 * secret, credential or patient value. Values are the fixtures' own (demo PHI, fake Sikka secrets,
 * the Vapi fixture's Twilio token and transcript, card numbers the tests send).
 */
const CANARIES = [
  TEST_WEBHOOK_SECRET,
  TEST_JWT_SECRET,
  TEST_ENCRYPTION_KEY,
  "Jane",
  "1985-04-12",
  "+12025550101",
  "jane.doe@example.com",
  "Carlene",
  "Victoria",
  "1984-12-10",
  "secret-north",
  "app-test-key",
  "MEM0099887766",
  "request_key",
  "refresh_key",
  "placeholder-not-a-real-token",
  "I'd like to book",
  "4111111111111111",
  "4242424242424242",
  "eyJhbGci",
];

afterAll(() => {
  const leaks = CANARIES.filter((c) => allLogLines.some((line) => line.includes(c)));
  if (leaks.length > 0) throw new Error(`log canary: ${leaks.length} planted value(s) reached the logs: ${leaks.map((l) => l.slice(0, 6)).join(", ")}…`);
});
