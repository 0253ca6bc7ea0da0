// biome-ignore-all lint/style/noNonNullAssertion: indexes and regex groups come from the scan over the same string, so they are always present.
/**
 * Payment card data (numbers and security codes) must never be stored, logged, returned or forwarded.
 * Requests that carry it are refused; free text the gateway receives but does not own (call summaries,
 * transcripts) is redacted instead.
 *
 * Detection works on a normalized copy of the text: NFKC (full-width and styled digits become ASCII),
 * then every other Unicode decimal digit (Arabic-Indic, Devanagari, …) read as its ASCII value. A card
 * number is a Luhn-valid run of 13–19 digits with any separators between them (spaces, dots, slashes,
 * newlines, underscores…); a security code is a CVV/CVC/security-code mention followed by 3–4 digits.
 */

/** Keys that only ever hold raw card data; their presence alone is refused. */
const CARD_KEYS = /^(cvv2?|cvc2?|cvn|csc|cid|securitycode|cardsecuritycode|cardnumber|cardno|pan|creditcard(number)?)$/i;

/** At most this many separator characters between two digits of one card number. */
const MAX_SEPARATOR = 4;

/** Calendar dates and clock times: digit groups a card number is never written as; masked before scanning. */
const DATE_TIME = /\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])(?:[ T](?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?/g;

const SECURITY_CODE = new RegExp(
  [
    String.raw`\b(?:cvv2?|cvc2?|cvn|csc|cid|security[\s_-]*code|card[\s_-]*(?:verification[\s_-]*)?code)\b`,
    String.raw`[^0-9\p{L}]{0,12}(?:(?:is|was|=|:)[^0-9\p{L}]{0,6})?(\d{3,4})(?!\d)`,
  ].join(""),
  "giu",
);

const DECIMAL_DIGIT = /\p{Nd}/u;

/** Each Unicode decimal digit as its ASCII digit (decimal digit blocks are runs of ten from zero). */
function asciiDigit(char: string): string {
  const cp = char.codePointAt(0)!;
  if (cp >= 48 && cp <= 57) return char;
  let start = cp;
  while (DECIMAL_DIGIT.test(String.fromCodePoint(start - 1))) start--;
  return String((cp - start) % 10);
}

/**
 * The text as detection reads it, with a map from each normalized character back to the original
 * index range it came from (NFKC can change lengths), so redaction can cut the original.
 */
function normalize(text: string): { value: string; origin: number[] } {
  let value = "";
  const origin: number[] = [];
  let index = 0;
  for (const char of text) {
    const folded = char.normalize("NFKC");
    for (const part of folded) {
      const out = DECIMAL_DIGIT.test(part) ? asciiDigit(part) : part;
      value += out;
      for (let k = 0; k < out.length; k++) origin.push(index);
    }
    index += char.length;
  }
  origin.push(text.length);
  return { value, origin };
}

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

type Span = { start: number; end: number };

/** True for the characters that end a digit run in `cardNumberSpans`: letters and the date mask `#`. */
const endsRun = (text: string, i: number, c: number): boolean => (c < 128 ? c === 35 || ((c | 32) >= 97 && (c | 32) <= 122) : /\p{L}/u.test(text[i]!));

/**
 * The most digits any one run of `cardNumberSpans` can gather: the same scan, counting only. Masking dates
 * only turns digits into run ends, so a text whose runs stay under 13 digits here holds no card number,
 * and the masking and windows are skipped (an ISO date-time is two runs of 8 and 6, split by its `T`).
 */
function longestDigitRun(text: string): number {
  let longest = 0;
  let run = 0;
  let gap = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      run++;
      gap = 0;
      if (run > longest) longest = run;
    } else if (endsRun(text, i, c) || (run > 0 && ++gap > MAX_SEPARATOR)) {
      run = 0;
      gap = 0;
    }
  }
  return longest;
}

/** Spans (in normalized text) of Luhn-valid 13–19-digit numbers, separators allowed between digits. */
function cardNumberSpans(text: string): Span[] {
  if (longestDigitRun(text) < 13) return [];
  const masked = text.replace(DATE_TIME, (m) => "#".repeat(m.length));
  const spans: Span[] = [];
  // Digit positions of the current run, and where each group (digits between separators) starts.
  let digits: number[] = [];
  let groupStarts: number[] = [];
  const flush = () => {
    if (digits.length >= 13) {
      // Windows from a group start to a group end: how numbers are written, without testing every
      // substring of a long run (which would find a Luhn match by chance in any long digit string).
      const ends = groupStarts
        .slice(1)
        .map((g) => g - 1)
        .concat(digits.length - 1);
      for (const from of groupStarts) {
        for (const to of ends) {
          const length = to - from + 1;
          if (length < 13 || length > 19) continue;
          const run = digits
            .slice(from, to + 1)
            .map((p) => masked[p])
            .join("");
          if (passesLuhn(run)) spans.push({ start: digits[from]!, end: digits[to]! + 1 });
        }
      }
    }
    digits = [];
    groupStarts = [];
  };
  let gap = 0;
  for (let i = 0; i < masked.length; i++) {
    const c = masked.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (digits.length === 0 || gap > 0) groupStarts.push(digits.length);
      digits.push(i);
      gap = 0;
    } else if (endsRun(masked, i, c)) {
      flush();
      gap = 0;
    } else if (digits.length > 0) {
      gap++;
      if (gap > MAX_SEPARATOR) {
        flush();
        gap = 0;
      }
    }
  }
  flush();
  return spans;
}

function securityCodeSpans(text: string): Span[] {
  const spans: Span[] = [];
  for (const match of text.matchAll(SECURITY_CODE)) {
    const code = match[1]!;
    const end = match.index + match[0].length;
    spans.push({ start: end - code.length, end });
  }
  return spans;
}

/**
 * At most how many digits the text can hold once normalized: an ASCII digit is one; any other number
 * or symbol character may become up to four under NFKC (circled or parenthesized numbers, fractions,
 * "hour zero"-style symbols), so it counts four. Below 13 the text cannot hold a card number, below 3 not
 * a security code either; counting is far cheaper than normalizing, and most texts stop here. The same
 * pass says whether the text is ASCII, which is its own normal form (NFKC leaves it as it is, and its only
 * digits are 0–9).
 */
function possibleDigits(text: string): { count: number; ascii: boolean } {
  let digits = 0;
  let ascii = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
    else if (c >= 128) ascii = false;
  }
  // ASCII has no other number or So-symbol characters; only other text needs the Unicode scan.
  return { count: ascii ? digits : digits + 4 * (text.match(OTHER_NUMBER_OR_SYMBOL)?.length ?? 0), ascii };
}
const OTHER_NUMBER_OR_SYMBOL = /[^0-9](?<=[\p{N}\p{So}])/gu;

/**
 * Every security-code keyword (cvv, cvc, cvn, csc, cid, security…, card…) holds one of these. Only a
 * test for ASCII text: under Unicode case folding other letters match the keywords too (`ſ` is an `s`).
 */
const SECURITY_KEYWORD_HINT = /c[vsi]|security|card/i;
const SECURITY_CODE_ANYWHERE = new RegExp(SECURITY_CODE.source, "iu");

/** True when the text holds a card number or a security code. */
export function textHasCardData(text: string): boolean {
  const { count, ascii } = possibleDigits(text);
  if (count < 3) return false;
  const value = ascii ? text : normalize(text).value;
  if (count >= 13 && cardNumberSpans(value).length > 0) return true;
  // Most texts here are ids and short answers with none of the keywords: they skip the full pattern.
  if (ascii && !SECURITY_KEYWORD_HINT.test(value)) return false;
  return SECURITY_CODE_ANYWHERE.test(value);
}

const REDACTED = "[card data removed]";

/** The text with every card number and security code replaced; other text is left as it was. */
export function redactCardData(text: string): string {
  if (!/\d|\p{Nd}/u.test(text)) return text;
  const { value, origin } = normalize(text);
  const spans = [...cardNumberSpans(value), ...securityCodeSpans(value)]
    .map((s) => ({ start: origin[s.start]!, end: origin[s.end]! }))
    .sort((a, b) => a.start - b.start);
  if (spans.length === 0) return text;
  let out = "";
  let at = 0;
  for (const span of spans) {
    if (span.end <= at) continue;
    out += text.slice(at, Math.max(at, span.start)) + REDACTED;
    at = span.end;
  }
  return out + text.slice(at);
}

/**
 * True when any string in the value (keys included) holds card data, or any key names a card field
 * with a value. Walks every nesting level a parsed JSON body can have.
 */
export function containsCardData(value: unknown, depth = 0): boolean {
  if (depth > 64) return true; // deeper than any request we accept: refuse rather than pass it unread
  if (typeof value === "string") return textHasCardData(value);
  if (typeof value === "number") return Number.isInteger(value) && textHasCardData(String(value));
  if (Array.isArray(value)) return value.some((v) => containsCardData(v, depth + 1));
  if (value && typeof value === "object") {
    const object = value as Record<string, unknown>;
    for (const key of Object.keys(object)) {
      const v = object[key];
      if (CARD_KEYS.test(key.replace(/[\s_-]/g, "")) && v !== null && v !== "") return true;
      if (textHasCardData(key) || containsCardData(v, depth + 1)) return true;
    }
  }
  return false;
}

/** A copy of the value with card data redacted from every string (for free text the gateway does not own). */
export function redactCardDataDeep<T>(value: T, depth = 0): T {
  if (depth > 64) return value;
  if (typeof value === "string") return redactCardData(value) as T;
  if (Array.isArray(value)) return value.map((v) => redactCardDataDeep(v, depth + 1)) as T;
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, CARD_KEYS.test(k.replace(/[\s_-]/g, "")) ? REDACTED : redactCardDataDeep(v, depth + 1)]),
    ) as T;
  }
  return value;
}
