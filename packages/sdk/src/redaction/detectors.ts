/**
 * Detectors: find personal data inside strings and replace only the matching substring with a
 * marker. Each regex is compiled once; candidates the pattern cannot tell apart from noise are
 * checked further (Luhn for cards, ISO 7064 mod 97-10 and the country's length for IBANs).
 * Every pattern starts at a boundary (a lookbehind), so a scan is linear in the string.
 */

/**
 * Names of the built-in detectors.
 *
 * @example
 * const detectors: DetectorName[] = ['email', 'card'];
 */
export type DetectorName = 'email' | 'phone' | 'ssn' | 'card' | 'iban';

/**
 * The five detectors in the order they run: IBANs and card numbers before phone numbers, so a
 * long account or card number is named for what it is rather than taken for a phone number.
 *
 * @example
 * DETECTOR_NAMES.includes('iban'); // true
 */
export const DETECTOR_NAMES: readonly DetectorName[] = ['email', 'iban', 'card', 'ssn', 'phone'];

/**
 * The marker that replaces redacted data: `[REDACTED:<rule>]`.
 *
 * @example
 * redactionMarker('email'); // '[REDACTED:email]'
 */
export function redactionMarker(rule: string): string {
  return `[REDACTED:${rule}]`;
}

// Email: a pragmatic subset of RFC 5322 §3.4.1 — dot-atom local part, no quoted strings or
// comments; domain of LDH labels (RFC 1035 §2.3.1) ending in an alphabetic TLD, no IP literals.
const ATEXT = "A-Za-z0-9!#$%&'*+/=?^_`{|}~-";
const EMAIL = new RegExp(
  `(?<![.${ATEXT}])[${ATEXT}]+(?:\\.[${ATEXT}]+)*@` +
    `(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z]{2,63}(?![A-Za-z0-9-])`,
  'g',
);

// US SSN: AAA-GG-SSSS; never area 000, 666 or 9xx, group 00 or serial 0000 (SSA, "Social
// Security Number Randomization", 2011). Not part of a longer dash-joined number.
const SSN = /(?<!\d-?)(?!000|666|9)\d{3}-(?!00)\d{2}-(?!0000)\d{4}(?!-?\d)/g;

// Card: a run of digits in groups joined by single spaces or dashes; windows of whole groups with
// 13–19 digits that start with major industry identifier 2–6 (ISO/IEC 7812-1) and pass Luhn.
const DIGIT_RUN = /(?<!\d)\d+(?:[ -]\d+)*(?!\d)/g;

// IBAN (ISO 13616-1): country code, two check digits, BBAN; printed in groups of four.
const IBAN_START = /(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}/g;

// Phone numbers. International (E.164, ITU-T E.164 §6): "+" and 7–15 digits, with spaces, dots,
// dashes and one parenthesised group. North American (NANP): (NXX) NXX-XXXX and NXX-NXX-XXXX.
// National with a trunk 0: an area code and space-separated groups ("020 7946 0958"). Bare digit
// runs are not phone numbers: they are ids, amounts and timestamps far more often.
const PHONE_INTL =
  /(?<![\w+])\+[1-9]\d{0,14}(?:[ .-]?\(\d{1,4}\)[ .-]?\d{1,14})?(?:[ .-]\d{1,14})*(?!\d)/g;
const PHONE_NANP =
  /(?<![\w.+/-])(?:1[ .-]?)?(?:\([2-9]\d{2}\) ?|[2-9]\d{2}[ .-])[2-9]\d{2}[ .-]\d{4}(?![\w/-]|[.,:]\d)/g;
const PHONE_TRUNK = /(?<![\w.+/-])0[1-9]\d{0,4}[ /-]\d{2,8}(?: \d{2,8}){0,4}(?![\w/-]|[.,:]\d)/g;

/** The ISO 13616 IBAN length of each country in the SWIFT IBAN registry and the "IBAN-like" ones. */
const IBAN_LENGTHS: ReadonlyMap<string, number> = new Map(
  Object.entries({
    AD: 24,
    AE: 23,
    AL: 28,
    AO: 25,
    AT: 20,
    AZ: 28,
    BA: 20,
    BE: 16,
    BF: 28,
    BG: 22,
    BH: 22,
    BI: 27,
    BJ: 28,
    BR: 29,
    BY: 28,
    CF: 27,
    CG: 27,
    CH: 21,
    CI: 28,
    CM: 27,
    CR: 22,
    CV: 25,
    CY: 28,
    CZ: 24,
    DE: 22,
    DJ: 27,
    DK: 18,
    DO: 28,
    DZ: 26,
    EE: 20,
    EG: 29,
    ES: 24,
    FI: 18,
    FK: 18,
    FO: 18,
    FR: 27,
    GA: 27,
    GB: 22,
    GE: 22,
    GI: 23,
    GL: 18,
    GQ: 27,
    GR: 27,
    GT: 28,
    GW: 25,
    HN: 28,
    HR: 21,
    HU: 28,
    IE: 22,
    IL: 23,
    IQ: 23,
    IR: 26,
    IS: 26,
    IT: 27,
    JO: 30,
    KM: 27,
    KW: 30,
    KZ: 20,
    LB: 28,
    LC: 32,
    LI: 21,
    LT: 20,
    LU: 20,
    LV: 21,
    LY: 25,
    MA: 28,
    MC: 27,
    MD: 24,
    ME: 22,
    MG: 27,
    MK: 19,
    ML: 28,
    MN: 20,
    MR: 27,
    MT: 31,
    MU: 30,
    MZ: 25,
    NE: 28,
    NI: 28,
    NL: 18,
    NO: 15,
    OM: 23,
    PK: 24,
    PL: 28,
    PS: 29,
    PT: 25,
    QA: 29,
    RO: 24,
    RS: 22,
    RU: 33,
    SA: 24,
    SC: 31,
    SD: 18,
    SE: 24,
    SI: 19,
    SK: 24,
    SM: 27,
    SN: 28,
    SO: 23,
    ST: 25,
    SV: 28,
    TD: 27,
    TG: 28,
    TL: 23,
    TN: 24,
    TR: 26,
    UA: 29,
    VA: 22,
    VG: 24,
    XK: 20,
    YE: 30,
  }),
);

/**
 * Luhn check (ISO/IEC 7812-1 Annex B) of a string of digits.
 *
 * @example
 * isLuhnValid('4111111111111111'); // true
 */
export function isLuhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i -= 1) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return digits.length > 0 && sum % 10 === 0;
}

/**
 * ISO 7064 MOD 97-10 check of an IBAN without spaces (ISO 13616-1 §7): move the first four
 * characters to the end, letters to 10–35, and the number mod 97 must be 1.
 *
 * @example
 * isIbanChecksumValid('GB82WEST12345698765432'); // true
 */
export function isIbanChecksumValid(iban: string): boolean {
  const text = iban.slice(4) + iban.slice(0, 4);
  let rest = 0;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) rest = (rest * 10 + (c - 48)) % 97;
    else if (c >= 65 && c <= 90) rest = (rest * 100 + (c - 55)) % 97;
    else return false;
  }
  return text.length > 4 && rest === 1;
}

function isAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/**
 * Reads an IBAN starting at `start`: `length` letters and digits, optionally separated by single
 * spaces, ending at a word boundary. Returns the end offset, or -1.
 */
function ibanEnd(text: string, start: number, length: number): number {
  let count = 0;
  let i = start;
  let chars = '';
  while (i < text.length && count < length) {
    const c = text.charCodeAt(i);
    if (isAlnum(c)) {
      chars += text.charAt(i);
      count += 1;
      i += 1;
    } else if (c === 32 && count > 0 && i + 1 < text.length && isAlnum(text.charCodeAt(i + 1))) {
      i += 1;
    } else {
      break;
    }
  }
  if (count !== length) return -1;
  if (i < text.length && isAlnum(text.charCodeAt(i))) return -1;
  return isIbanChecksumValid(chars.toUpperCase()) ? i : -1;
}

function redactIban(text: string): string {
  let out = '';
  let from = 0;
  IBAN_START.lastIndex = 0;
  for (let m = IBAN_START.exec(text); m !== null; m = IBAN_START.exec(text)) {
    const start = m.index;
    const known = IBAN_LENGTHS.get(m[0].slice(0, 2).toUpperCase());
    let end = -1;
    if (known !== undefined) {
      end = ibanEnd(text, start, known);
    } else {
      // A country outside the registry: accept only one unbroken token of 15–34 characters.
      let j = start;
      while (j < text.length && isAlnum(text.charCodeAt(j))) j += 1;
      if (j - start >= 15 && j - start <= 34) end = ibanEnd(text, start, j - start);
    }
    if (end === -1) continue;
    out += text.slice(from, start) + redactionMarker('iban');
    from = end;
    IBAN_START.lastIndex = end;
  }
  return from === 0 ? text : out + text.slice(from);
}

function redactCardRun(run: string): string {
  const groups = run.split(/[ -]/);
  const seps = run.match(/[ -]/g) ?? [];
  let out = '';
  let i = 0;
  while (i < groups.length) {
    let found = -1;
    // Longest window of whole groups first, so "4111 1111 1111 1111" is one card, not a prefix.
    if (/^[2-6]/.test(groups[i]!)) {
      let digits = '';
      const windows: { end: number; digits: string }[] = [];
      for (let j = i; j < groups.length && digits.length <= 19; j += 1) {
        digits += groups[j]!;
        if (digits.length >= 13 && digits.length <= 19) windows.push({ end: j, digits });
      }
      for (let w = windows.length - 1; w >= 0 && found === -1; w -= 1) {
        if (isLuhnValid(windows[w]!.digits)) found = windows[w]!.end;
      }
    }
    if (found === -1) {
      out += groups[i]! + (i < seps.length ? seps[i]! : '');
      i += 1;
    } else {
      out += redactionMarker('card') + (found < seps.length ? seps[found]! : '');
      i = found + 1;
    }
  }
  return out;
}

function redactPhone(text: string): string {
  let out = text.replace(PHONE_INTL, (match) => {
    // Drop trailing groups beyond E.164's 15 digits: they belong to the text that follows.
    let head = match;
    while (countDigits(head) > 15) {
      const cut = Math.max(head.lastIndexOf(' '), head.lastIndexOf('.'), head.lastIndexOf('-'));
      if (cut <= 0) return match;
      head = head.slice(0, cut);
    }
    if (countDigits(head) < 7) return match;
    return redactionMarker('phone') + match.slice(head.length);
  });
  out = out.replace(PHONE_NANP, redactionMarker('phone'));
  return out.replace(PHONE_TRUNK, (match) => {
    const n = countDigits(match);
    return n >= 9 && n <= 12 ? redactionMarker('phone') : match;
  });
}

function countDigits(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) n += 1;
  }
  return n;
}

const EMAIL_MARKER = redactionMarker('email');
const SSN_MARKER = redactionMarker('ssn');

/** Applies one detector to a string; returns it unchanged (the same string) if nothing matched. */
const APPLY: Readonly<Record<DetectorName, (text: string) => string>> = {
  email: (text) => (text.includes('@') ? text.replace(EMAIL, EMAIL_MARKER) : text),
  iban: redactIban,
  card: (text) =>
    text.replace(DIGIT_RUN, (run) => (countDigits(run) < 13 ? run : redactCardRun(run))),
  ssn: (text) => text.replace(SSN, SSN_MARKER),
  phone: redactPhone,
};

const HAS_DIGIT_OR_AT = /[\d@]/;

/**
 * Builds one function that runs the chosen detectors over a string, in {@link DETECTOR_NAMES}
 * order, replacing each match with `[REDACTED:<detector>]`.
 *
 * @example
 * createDetector(['email'])('mail jane@x.org now'); // 'mail [REDACTED:email] now'
 */
export function createDetector(names: readonly DetectorName[]): (text: string) => string {
  const chosen = DETECTOR_NAMES.filter((name) => names.includes(name)).map((name) => APPLY[name]);
  if (chosen.length === 0) return (text) => text;
  return (text) => {
    // Every detector needs a digit (or "@" for email): skip most prose and ids at once.
    if (!HAS_DIGIT_OR_AT.test(text)) return text;
    let out = text;
    for (const apply of chosen) out = apply(out);
    return out;
  };
}
