import { test } from 'node:test';
import assert from 'node:assert/strict';

import fc from 'fast-check';
import { sampleDecision } from '@docket/protocol';
import type { DecisionRecord, JsonValue } from '@docket/protocol';

import { isIbanChecksumValid, isLuhnValid } from './detectors.js';
import { createRedactor } from './index.js';

const redact = createRedactor({});

/** A Luhn-valid card number: major industry identifier 2–6, 13 to 19 digits. */
const cardDigits = fc
  .tuple(
    fc.integer({ min: 2, max: 6 }),
    fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 11, maxLength: 17 }),
  )
  .map(([first, rest]) => {
    const body = `${first}${rest.join('')}`;
    for (let check = 0; check < 10; check += 1) {
      if (isLuhnValid(body + String(check))) return body + String(check);
    }
    throw new Error('unreachable: one check digit always fits');
  });

/** The card as printed: plain, in groups of four joined by spaces, or by dashes. */
const card = fc
  .tuple(cardDigits, fc.constantFrom('', ' ', '-'))
  .map(([digits, sep]) => (sep === '' ? digits : (digits.match(/.{1,4}/g) ?? []).join(sep)));

const IBAN_SHAPES: readonly (readonly [string, number])[] = [
  ['GB', 22],
  ['DE', 22],
  ['FR', 27],
  ['NL', 18],
  ['NO', 15],
  ['MT', 31],
];
const ALNUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** A mod-97-valid IBAN of a registry length, printed plain or in groups of four. */
const iban = fc
  .tuple(
    fc.constantFrom(...IBAN_SHAPES),
    fc.array(fc.integer({ min: 0, max: ALNUM.length - 1 }), { minLength: 27, maxLength: 27 }),
    fc.boolean(),
  )
  .map(([[country, length], picks, grouped]) => {
    const bban = picks
      .slice(0, length - 4)
      .map((i) => ALNUM[i]!)
      .join('');
    for (let check = 2; check <= 98; check += 1) {
      const candidate = `${country}${String(check).padStart(2, '0')}${bban}`;
      if (isIbanChecksumValid(candidate)) {
        return grouped ? (candidate.match(/.{1,4}/g) ?? []).join(' ') : candidate;
      }
    }
    throw new Error('unreachable: one check number always fits');
  });

/** Text around the secret: anything, ending and starting with a space so it stays a token. */
const around = fc.string({ maxLength: 40, unit: 'grapheme-ascii' });

function leftovers(text: string): string[] {
  const found: string[] = [];
  for (const run of text.match(/\d(?:[ -]?\d)+/g) ?? []) {
    const digits = run.replace(/[ -]/g, '');
    for (let i = 0; i < digits.length; i += 1) {
      for (let n = 13; n <= 19 && i + n <= digits.length; n += 1) {
        const window = digits.slice(i, i + n);
        if (/^[2-6]/.test(window) && isLuhnValid(window) && window.length >= 13) found.push(window);
      }
    }
  }
  return found;
}

test('property: no generated card survives redaction, whatever text is around it', () => {
  fc.assert(
    fc.property(around, card, around, (before, secret, after) => {
      const out = redact({ ...sampleDecision(), goal: `${before} ${secret} ${after}` });
      const digits = secret.replace(/[ -]/g, '');
      assert.ok(!out.goal!.replace(/[ -]/g, '').includes(digits), out.goal);
    }),
    { numRuns: 500 },
  );
});

test('property: no generated IBAN survives redaction, whatever text is around it', () => {
  fc.assert(
    fc.property(around, iban, around, (before, secret, after) => {
      const out = redact({ ...sampleDecision(), goal: `${before} ${secret} ${after}` });
      assert.ok(!out.goal!.replace(/ /g, '').includes(secret.replace(/ /g, '')), out.goal);
    }),
    { numRuns: 500 },
  );
});

test('property: a redacted string holds no Luhn-valid 13–19 digit card run', () => {
  fc.assert(
    fc.property(fc.array(fc.oneof(card, around), { maxLength: 6 }), (parts) => {
      const out = redact({ ...sampleDecision(), goal: parts.join(' ') });
      // Over-redaction is allowed; any remaining Luhn-valid window must not be a whole card.
      for (const window of leftovers(out.goal!)) {
        assert.ok(!parts.some((p) => p.replace(/[ -]/g, '') === window), out.goal);
      }
    }),
    { numRuns: 300 },
  );
});

const nonString: fc.Arbitrary<JsonValue> = fc.letrec<{ value: JsonValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.integer(),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 8 }), tie('value'), { maxKeys: 4, noNullPrototype: true }),
  ),
})).value;

test('property: values without strings and without path rules come back equal', () => {
  fc.assert(
    fc.property(nonString, (context) => {
      const input = { ...sampleDecision(), context } as DecisionRecord;
      assert.deepEqual(redact(input), input);
    }),
    { numRuns: 300 },
  );
});
