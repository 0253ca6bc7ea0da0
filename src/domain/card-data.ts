/** Keys that only ever hold raw card data; their presence alone is refused. */
const CARD_KEYS = /^(cvv2?|cvc2?|cid|securitycode|cardsecuritycode|cardnumber|cardno|pan|creditcard(number)?)$/i;
const DIGIT_RUN = /\d(?:[ -]?\d){12,18}/g;

export function passesLuhn(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

function stringHasCardNumber(value: string): boolean {
  for (const match of value.matchAll(DIGIT_RUN)) {
    const digits = match[0].replace(/[ -]/g, "");
    if (digits.length >= 13 && digits.length <= 19 && passesLuhn(digits)) return true;
  }
  return false;
}

/**
 * True when any string in the value looks like a payment card number (13–19 digits passing Luhn)
 * or any key names a CVV or card number. Card data must never be stored or forwarded.
 */
export function containsCardData(value: unknown, depth = 0): boolean {
  if (depth > 8) return false;
  if (typeof value === "string") return stringHasCardNumber(value);
  if (Array.isArray(value)) return value.some((v) => containsCardData(v, depth + 1));
  if (value && typeof value === "object") {
    for (const [key, v] of Object.entries(value)) {
      if (CARD_KEYS.test(key.replace(/[_-]/g, "")) && v !== null && v !== "") return true;
      if (containsCardData(v, depth + 1)) return true;
    }
  }
  return false;
}
