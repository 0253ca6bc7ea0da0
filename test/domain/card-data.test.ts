import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { containsCardData, passesLuhn, redactCardData, textHasCardData } from "../../src/domain/card-data";

/** Zero of each decimal digit set a caller or model might use (Unicode Nd blocks). */
const DIGIT_ZEROS = [0x30, 0x660, 0x6f0, 0x966, 0x9e6, 0xa66, 0xbe6, 0xe50, 0xff10, 0x1d7ce, 0x1d7d8, 0x1040];
const SEPARATORS = [" ", "  ", ".", "-", "/", "\n", "_", " - ", "\t", ", ", "\u00a0", "\u3000"];

const luhnCard = fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 11, maxLength: 17 }).map((body) => {
  const digits = [4, ...body].slice(0, body.length + 1);
  for (let check = 0; check <= 9; check++) {
    const candidate = [...digits, check].join("");
    if (passesLuhn(candidate)) return candidate;
  }
  throw new Error("unreachable");
});

const spell = (digits: string, zero: number) => [...digits].map((d) => String.fromCodePoint(zero + Number(d))).join("");

describe("card numbers", () => {
  test("Luhn-valid card numbers are found in any string or key, other digit runs are not", () => {
    expect(passesLuhn("4111111111111111")).toBe(true);
    expect(passesLuhn("4111111111111112")).toBe(false);
    expect(containsCardData({ a: { b: ["my card 5555 5555 5555 4444 thanks"] } })).toBe(true);
    expect(containsCardData({ note: "378282246310005" })).toBe(true);
    expect(containsCardData({ CVV: "123" })).toBe(true);
    expect(containsCardData({ card_number: "x" })).toBe(true);
    expect(containsCardData({ "4111 1111 1111 1111": "key" })).toBe(true);
    expect(containsCardData({ amount: 4111111111111111 })).toBe(true);
    expect(containsCardData({ phone: "+1 202 555 0101", dob: "1985-04-12", amount: 12.5 })).toBe(false);
    expect(containsCardData({ reference: "1234567890123" })).toBe(false);
    expect(containsCardData({ cvv: "" })).toBe(false);
  });

  test("property: any separators between the digits and any Unicode digit set are caught (2,000 runs)", () => {
    fc.assert(
      fc.property(
        luhnCard,
        fc.constantFrom(...DIGIT_ZEROS),
        fc.array(fc.constantFrom(...SEPARATORS), { minLength: 18, maxLength: 18 }),
        fc.nat(4),
        (card, zero, seps, grouping) => {
          const spelled = [...spell(card, zero)];
          const step = [1, 2, 4, 4, 3][grouping]!;
          const text = spelled.map((d, i) => (i > 0 && i % step === 0 ? seps[i % seps.length] + d : d)).join("");
          return (
            textHasCardData(`pay with ${text} please`) &&
            containsCardData({ reference: text }) &&
            !redactCardData(`x ${text} y`).includes(spelled.slice(4, 12).join(""))
          );
        },
      ),
      { numRuns: 2000 },
    );
  });

  test("property: dates, times, phone numbers, amounts and short ids are not card numbers (2,000 runs)", () => {
    const date = fc.date({ min: new Date("1900-01-01"), max: new Date("2099-12-31"), noInvalidDate: true }).map((d) => d.toISOString());
    fc.assert(
      fc.property(
        date,
        fc.integer({ min: 2_000_000_000, max: 9_999_999_999 }),
        fc.double({ min: 0, max: 100000, noNaN: true }),
        fc.nat(999999),
        (iso, phone, amount, id) => {
          const texts = [
            iso,
            iso.replace("T", " ").slice(0, 19),
            `+1${phone}`,
            `(${String(phone).slice(0, 3)}) ${String(phone).slice(3, 6)}-${String(phone).slice(6)}`,
            amount.toFixed(2),
            String(id),
            `${iso.slice(0, 10)} at ${iso.slice(11, 16)}`,
          ];
          return texts.every((t) => !textHasCardData(t));
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe("texts with few digits are screened cheaply, without missing numbers written in other characters", () => {
  test("a card number of circled two-digit numbers (NFKC makes them digits) is still found", () => {
    // 41 11 11 11 11 11 11 11 = 4111 1111 1111 1111, Luhn-valid.
    expect(textHasCardData("㊶⑪⑪⑪⑪⑪⑪⑪")).toBe(true);
    expect(textHasCardData("cvv ⑫3")).toBe(true);
    expect(textHasCardData("book 2027-03-02 at 10:30")).toBe(false);
  });
});

describe("security codes", () => {
  test("a CVV/CVC/security-code mention followed by 3–4 digits, in any digit set", () => {
    for (const text of ["cvv 123", "CVC: 1234", "the security code is 987", "CVV2=456", "card code ٤٥٦", "security-code １２３"]) {
      expect({ text, found: textHasCardData(text) }).toEqual({ text, found: true });
    }
    for (const text of ["cvv", "my code is 123", "security code 12", "cvv 12345"]) {
      expect({ text, found: textHasCardData(text) }).toEqual({ text, found: false });
    }
  });
});

describe("the keyword hint before the full security-code pattern", () => {
  test("detection agrees with redaction on texts built from keywords in any case, digits, ids and separators", () => {
    const keyword = fc
      .constantFrom(
        "cvv",
        "cvv2",
        "cvc",
        "cvc2",
        "cvn",
        "csc",
        "cid",
        "security code",
        "security_code",
        "card code",
        "card verification code",
        "code",
        "ci",
        "cs",
      )
      .chain((k) =>
        fc.array(fc.boolean(), { minLength: k.length, maxLength: k.length }).map((upper) => [...k].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join("")),
      );
    const piece = fc.oneof(
      keyword,
      fc.stringMatching(/^[0-9]{1,5}$/),
      fc.constantFrom(" ", ": ", " is ", "=", "-", "_", ".", "\n", "ſ", "K"),
      fc.stringMatching(/^[a-z0-9_]{1,12}$/),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }), (pieces) => {
        const text = pieces.join("");
        expect(textHasCardData(text)).toBe(redactCardData(text) !== text);
      }),
      { numRuns: 20_000 },
    );
  });
});

describe("redaction", () => {
  test("card numbers and codes are replaced; the rest of the text stays as it was", () => {
    const summary = "Caller paid with 4111 1111 1111 1111, CVV 123, and booked a cleaning on 2026-12-02 at 09:00.";
    const redacted = redactCardData(summary);
    expect(redacted).toBe("Caller paid with [card data removed], CVV [card data removed], and booked a cleaning on 2026-12-02 at 09:00.");
    expect(textHasCardData(redacted)).toBe(false);
    expect(redactCardData("full-width ４１１１１１１１１１１１１１１１ here")).toBe("full-width [card data removed] here");
  });
});
