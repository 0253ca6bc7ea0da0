import { expect, test } from "bun:test";
import { containsCardData, passesLuhn } from "../../src/domain/card-data";

test("Luhn-valid card numbers are found in any string or key, other digit runs are not", () => {
  expect(passesLuhn("4111111111111111")).toBe(true);
  expect(passesLuhn("4111111111111112")).toBe(false);
  expect(containsCardData({ a: { b: ["my card 5555 5555 5555 4444 thanks"] } })).toBe(true);
  expect(containsCardData({ note: "378282246310005" })).toBe(true); // Amex, 15 digits
  expect(containsCardData({ CVV: "123" })).toBe(true);
  expect(containsCardData({ card_number: "x" })).toBe(true);
  expect(containsCardData({ phone: "+1 202 555 0101", dob: "1985-04-12", amount: 12.5 })).toBe(false);
  expect(containsCardData({ reference: "1234567890123" })).toBe(false);
  expect(containsCardData({ cvv: "" })).toBe(false);
});
