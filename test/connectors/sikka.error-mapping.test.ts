import { expect, test } from "bun:test";
import { BrokenCircuitError } from "cockatiel";
import { toConnectorError } from "../../src/connectors/sikka/error-mapping";
import { SikkaTimeoutError } from "../../src/connectors/sikka/errors";

test("Sikka and resilience failures map to connector errors; a bug of ours is not blamed on the practice system", () => {
  expect(toConnectorError(new SikkaTimeoutError())?.code).toBe("timeout");
  expect(toConnectorError(new BrokenCircuitError())?.code).toBe("unavailable");
  expect(toConnectorError(new TypeError("cannot read properties of undefined"))).toBeNull();
  expect(toConnectorError("weird")).toBeNull();
});
