import { test } from 'node:test';
import assert from 'node:assert/strict';

import {
  createDetector,
  DETECTOR_NAMES,
  isIbanChecksumValid,
  isLuhnValid,
  redactionMarker,
} from './detectors.js';

const all = createDetector(DETECTOR_NAMES);
const only = (name: (typeof DETECTOR_NAMES)[number]) => createDetector([name]);

function unchanged(detect: (text: string) => string, texts: readonly string[]): void {
  for (const text of texts) assert.equal(detect(text), text, `changed: ${text}`);
}

test('redactionMarker names the rule', () => {
  assert.equal(redactionMarker('email'), '[REDACTED:email]');
  assert.equal(redactionMarker('path:$.a'), '[REDACTED:path:$.a]');
});

test('email: replaces only the address inside the text', () => {
  const email = only('email');
  assert.equal(email('mail jane@x.org now'), 'mail [REDACTED:email] now');
  assert.equal(email('<j.o+tag@mail.example.co.uk>.'), '<[REDACTED:email]>.');
  assert.equal(email("o'brien_1@sub-domain.example.com"), '[REDACTED:email]');
  assert.equal(email('a@b.io, c@d.io'), '[REDACTED:email], [REDACTED:email]');
});

test('email: near misses are left alone', () => {
  unchanged(only('email'), [
    'user@localhost',
    '@handle',
    'jane@',
    'jane@@x.org',
    'a@-bad.org',
    'a@x.c',
    'price 3@4.5',
    'jane@x.org1',
  ]);
});

test('ssn: valid AAA-GG-SSSS numbers are redacted', () => {
  const ssn = only('ssn');
  assert.equal(ssn('ssn 078-05-1120.'), 'ssn [REDACTED:ssn].');
  assert.equal(ssn('123-45-6789'), '[REDACTED:ssn]');
  assert.equal(ssn('(665-99-0001)'), '([REDACTED:ssn])');
});

test('ssn: invalid areas, group 00, serial 0000 and longer numbers are left alone', () => {
  unchanged(only('ssn'), [
    '000-12-3456',
    '666-12-3456',
    '900-12-3456',
    '999-12-3456',
    '123-00-4567',
    '123-45-0000',
    '123456789',
    '123 45 6789',
    '1123-45-6789',
    '123-45-67890',
    '123-45-6789-1',
    '2024-11-05',
  ]);
});

test('card: Luhn-valid numbers of 13 to 19 digits, with spaces or dashes', () => {
  const card = only('card');
  assert.equal(card('card 4111 1111 1111 1111 ok'), 'card [REDACTED:card] ok');
  assert.equal(card('5555-5555-5555-4444'), '[REDACTED:card]');
  assert.equal(card('amex 378282246310005.'), 'amex [REDACTED:card].');
  assert.equal(card('amex 3782 822463 10005'), 'amex [REDACTED:card]');
  assert.equal(card('visa13 4222222222222'), 'visa13 [REDACTED:card]');
  assert.equal(card('19 digits 6221 2600 0000 0000 001'), '19 digits [REDACTED:card]');
  assert.equal(card('order 12 4111111111111111'), 'order 12 [REDACTED:card]');
});

test('card: Luhn-invalid numbers and other digit runs are left alone', () => {
  assert.equal(isLuhnValid('4111111111111111'), true);
  assert.equal(isLuhnValid('4111111111111112'), false);
  unchanged(createDetector(DETECTOR_NAMES), [
    '4111 1111 1111 1112',
    '4111111111111112',
    '5555-5555-5555-4445',
    '411111111111', // 12 digits, Luhn-valid but too short for a card
    '41111111111111111111', // 20 digits
    '1730817127412', // epoch milliseconds: major industry identifier 1, not a payment card
  ]);
});

test('iban: mod-97 valid IBANs from GB, DE and FR, grouped or not', () => {
  const iban = only('iban');
  assert.equal(isIbanChecksumValid('GB82WEST12345698765432'), true);
  assert.equal(iban('pay GB82 WEST 1234 5698 7654 32 today'), 'pay [REDACTED:iban] today');
  assert.equal(iban('GB82WEST12345698765432'), '[REDACTED:iban]');
  assert.equal(iban('DE89 3704 0044 0532 0130 00'), '[REDACTED:iban]');
  assert.equal(iban('to DE89370400440532013000, ref 7'), 'to [REDACTED:iban], ref 7');
  assert.equal(iban('FR14 2004 1010 0505 0001 3M02 606'), '[REDACTED:iban]');
  assert.equal(iban('fr1420041010050500013m02606'), '[REDACTED:iban]');
  assert.equal(
    iban('NL91ABNA0417164300 and BE68539007547034'),
    '[REDACTED:iban] and [REDACTED:iban]',
  );
});

test('iban: a wrong check digit, a wrong length or a longer word is left alone', () => {
  assert.equal(isIbanChecksumValid('GB83WEST12345698765432'), false);
  unchanged(only('iban'), [
    'GB83 WEST 1234 5698 7654 32',
    'DE88370400440532013000',
    'FR15 2004 1010 0505 0001 3M02 606',
    'GB82WEST1234569876543', // one character short
    'GB82WEST12345698765432X',
    'XGB82WEST12345698765432',
    'AB12 3456',
  ]);
});

test('phone: international E.164 and common national formats', () => {
  const phone = only('phone');
  assert.equal(phone('call +14155552671 now'), 'call [REDACTED:phone] now');
  assert.equal(phone('+1 (415) 555-2671'), '[REDACTED:phone]');
  assert.equal(phone('+44 20 7946 0958.'), '[REDACTED:phone].');
  assert.equal(phone('+49 30 123456'), '[REDACTED:phone]');
  assert.equal(phone('+33 6 12 34 56 78'), '[REDACTED:phone]');
  assert.equal(phone('(415) 555-2671'), '[REDACTED:phone]');
  assert.equal(
    phone('tel 415-555-2671, or 415.555.2671'),
    'tel [REDACTED:phone], or [REDACTED:phone]',
  );
  assert.equal(phone('1-800-555-0199'), '[REDACTED:phone]');
  assert.equal(phone('UK 020 7946 0958'), 'UK [REDACTED:phone]');
  assert.equal(phone('FR 06 12 34 56 78'), 'FR [REDACTED:phone]');
  assert.equal(phone('DE 030/12345678'), 'DE [REDACTED:phone]');
});

test('phone: dates, timestamps, UUIDs, versions and plain numbers are left alone', () => {
  unchanged(createDetector(DETECTOR_NAMES), [
    '2024-11-05',
    '2024-11-05T14:32:07.412Z',
    '2024-11-05T14:32:07+01:00',
    '05/11/2024',
    '05.11.2024 14:32',
    '0192fcbd-73f4-7a4c-9d31-5e8f2b6c40a7',
    '12345678-1234-7123-8123-123456789012',
    'policy 2024.10',
    'v2.3.1',
    '10.2.3.4567',
    '192.168.100.200',
    'EXP-5521907',
    '25000',
    '1234567',
    '+12345', // too short for E.164
    '$18,000 limit keeps DTI under 0.28',
  ]);
});

test('all detectors together: each match named for what it is', () => {
  assert.equal(
    all('jane@x.org, 078-05-1120, 4111 1111 1111 1111, GB82 WEST 1234 5698 7654 32, +14155552671'),
    '[REDACTED:email], [REDACTED:ssn], [REDACTED:card], [REDACTED:iban], [REDACTED:phone]',
  );
  assert.equal(createDetector([])('jane@x.org'), 'jane@x.org');
});
