import { test } from 'node:test';
import assert from 'node:assert/strict';

import { sampleDecision } from '@docket/protocol';
import type { DecisionRecord, JsonValue } from '@docket/protocol';

import { createRedactor, DEFAULT_REDACTION_EXCLUDE, RedactionError } from './index.js';
import type { DetectorName } from './index.js';

function record(extra: Record<string, JsonValue>): DecisionRecord {
  return { ...sampleDecision(), ...extra };
}

function get(value: unknown, ...keys: (string | number)[]): unknown {
  let at = value;
  for (const key of keys) at = (at as Record<string | number, unknown>)[key];
  return at;
}

function throwsCode(fn: () => unknown, code: string, where?: string): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof RedactionError);
    assert.equal(error.code, code);
    if (where !== undefined) assert.equal(error.where, where);
    return true;
  });
}

test('the sample decision passes through unchanged with the defaults', () => {
  const input = sampleDecision();
  assert.deepEqual(createRedactor({})(input), input);
});

test('path rules: plain, quoted, index, wildcard, recursive descent', () => {
  const input = record({
    context: {
      applicant: { ssn: 'x', name: 'Jane', income: 96000, 'home address': { city: 'NYC' } },
      accounts: [{ password: 'p1' }, { nested: { password: 'p2' } }],
      list: [1, 2, 3],
    },
    tools: [
      { name: 'a', args: { email: 'not-detected', n: 1 } },
      { name: 'b', args: { email: { deep: true } } },
    ],
  });
  const out = createRedactor({
    paths: [
      '$.context.applicant.ssn',
      "$.context.applicant['home address']",
      '$.tools[*].args.email',
      '$..password',
      '$.context.list[1]',
    ],
    detectors: [],
  })(input);
  assert.deepEqual(get(out, 'context', 'applicant'), {
    ssn: '[REDACTED:path:$.context.applicant.ssn]',
    name: 'Jane',
    income: 96000,
    'home address': "[REDACTED:path:$.context.applicant['home address']]",
  });
  assert.deepEqual(get(out, 'context', 'accounts'), [
    { password: '[REDACTED:path:$..password]' },
    { nested: { password: '[REDACTED:path:$..password]' } },
  ]);
  assert.deepEqual(get(out, 'context', 'list'), [1, '[REDACTED:path:$.context.list[1]]', 3]);
  assert.deepEqual(get(out, 'tools', 0, 'args'), {
    email: '[REDACTED:path:$.tools[*].args.email]',
    n: 1,
  });
  assert.equal(get(out, 'tools', 1, 'args', 'email'), '[REDACTED:path:$.tools[*].args.email]');
});

test('path rules: `.*` replaces every member, of any JSON type', () => {
  const out = createRedactor({ paths: ['$.context.applicant.*'] })(
    record({ context: { applicant: { a: 1, b: null, c: [1], d: { e: true } }, keep: 1 } }),
  );
  const marker = '[REDACTED:path:$.context.applicant.*]';
  assert.deepEqual(get(out, 'context'), {
    applicant: { a: marker, b: marker, c: marker, d: marker },
    keep: 1,
  });
});

test('the first matching rule in option order names the marker', () => {
  const out = createRedactor({ paths: ['$..ssn', '$.context.ssn'] })(
    record({ context: { ssn: 1 } }),
  );
  assert.equal(get(out, 'context', 'ssn'), '[REDACTED:path:$..ssn]');
});

test('detectors replace substrings in every string not excluded, keys left as they are', () => {
  const out = createRedactor({})(
    record({
      goal: 'mail jane@x.org now',
      context: { notes: ['call +14155552671', { card: 'card 4111 1111 1111 1111' }] },
    }),
  );
  assert.equal(get(out, 'goal'), 'mail [REDACTED:email] now');
  assert.deepEqual(get(out, 'context', 'notes'), [
    'call [REDACTED:phone]',
    { card: 'card [REDACTED:card]' },
  ]);
});

test('detectors option: a subset runs only those detectors', () => {
  const out = createRedactor({ detectors: ['ssn'] })(record({ goal: 'jane@x.org 078-05-1120' }));
  assert.equal(get(out, 'goal'), 'jane@x.org [REDACTED:ssn]');
});

test('default exclusions: ids, versions and names are never scanned', () => {
  const input = sampleDecision({
    agent: { id: 'agent jane@x.org', version: '415-555-2671' },
    policy: { id: 'p', version: '2024.10' },
  });
  const withPii = {
    ...input,
    model: { provider: 'openai', name: 'call +14155552671' },
    outcome: { action: 'notify jane@x.org', target: 'jane@x.org' },
  } as DecisionRecord;
  const out = createRedactor({})(withPii);
  assert.deepEqual(out.agent, withPii.agent);
  assert.deepEqual(out.model, withPii.model);
  assert.deepEqual(out.policy, withPii.policy);
  assert.equal(out.outcome.action, 'notify jane@x.org');
  assert.equal(out.outcome.target, '[REDACTED:email]');
  assert.ok(DEFAULT_REDACTION_EXCLUDE.includes('$.correlation'));
});

test('exclude replaces the defaults; path rules still apply inside excluded paths', () => {
  const input = record({
    agent: { id: 'jane@x.org', version: '1' },
    context: { keep: 'jane@x.org', secret: 'x' },
  });
  const out = createRedactor({ exclude: ['$.context'], paths: ['$.context.secret'] })(input);
  assert.equal(get(out, 'agent', 'id'), '[REDACTED:email]');
  assert.deepEqual(get(out, 'context'), {
    keep: 'jane@x.org',
    secret: '[REDACTED:path:$.context.secret]',
  });
});

test('protected fields are never scanned or reached by wildcard and recursive rules', () => {
  const input = {
    ...sampleDecision(),
    id: 'jane@x.org',
    producer: { id: 'worker jane@x.org', seq: 1, secret: 's' },
  } as DecisionRecord;
  const out = createRedactor({ exclude: [], paths: ['$..id', '$..secret', '$.*.seq'] })(input);
  assert.equal(out.id, 'jane@x.org');
  assert.deepEqual(out.producer, input.producer);
  assert.equal(out.schema, input.schema);
  assert.equal(out.ts, input.ts);
  assert.equal(out.agent.id, '[REDACTED:path:$..id]');
});

test('path rules pointing at id, schema, ts or producer are OPTION_INVALID at creation', () => {
  for (const path of ['$.id', '$.schema', "$['ts']", '$.producer', '$.producer.seq', '$', '$.*']) {
    throwsCode(() => createRedactor({ paths: [path] }), 'OPTION_INVALID', path);
  }
});

test('malformed options are OPTION_INVALID, naming the option', () => {
  throwsCode(() => createRedactor({ paths: ['context.a'] }), 'OPTION_INVALID', 'paths[0]');
  throwsCode(() => createRedactor({ paths: ['$.a', '$.a['] }), 'OPTION_INVALID', 'paths[1]');
  throwsCode(() => createRedactor({ paths: ['$.a.'] }), 'OPTION_INVALID', 'paths[0]');
  throwsCode(() => createRedactor({ exclude: ['$.a[x]'] }), 'OPTION_INVALID', 'exclude[0]');
  const detectors = JSON.parse('["email", "passport"]') as DetectorName[];
  throwsCode(() => createRedactor({ detectors }), 'OPTION_INVALID', 'detectors[1]');
  throwsCode(() => createRedactor({ custom: 'x' as never }), 'OPTION_INVALID', 'custom');
});

test('the input is never mutated and the result shares no objects with it', () => {
  const input = record({
    goal: 'jane@x.org',
    context: { applicant: { ssn: '078-05-1120', list: [{ a: 1 }] } },
  });
  const before = structuredClone(input);
  const out = createRedactor({ paths: ['$.context.applicant.ssn'] })(input);
  assert.deepEqual(input, before);
  assert.notEqual(out, input);
  assert.notEqual(out.producer, input.producer);
  assert.notEqual(
    get(out, 'context', 'applicant', 'list'),
    get(input, 'context', 'applicant', 'list'),
  );
  assert.notEqual(out.agent, input.agent);
});

test('custom: called with the string and its path; its string replaces the whole value', () => {
  const seen: string[] = [];
  const out = createRedactor({
    custom: (value, path) => {
      seen.push(path);
      return /^EMP-\d+$/.test(value) ? '[REDACTED:custom]' : undefined;
    },
  })(
    record({
      context: { staff: ['EMP-1234', 'jane@x.org'], 'odd key': 'EMP-9' },
      agent: { id: 'EMP-1', version: '1' },
    }),
  );
  assert.deepEqual(get(out, 'context'), {
    staff: ['[REDACTED:custom]', '[REDACTED:email]'],
    'odd key': '[REDACTED:custom]',
  });
  assert.equal(get(out, 'agent', 'id'), 'EMP-1');
  assert.ok(seen.includes('$.context.staff[0]'));
  assert.ok(seen.includes("$.context['odd key']"));
  assert.ok(!seen.some((p) => p.startsWith('$.agent') || p === '$.id'));
});

test('fail closed: a throwing custom function becomes REDACTION_FAILED with the cause', () => {
  const boom = new Error('boom');
  const redact = createRedactor({
    custom: () => {
      throw boom;
    },
  });
  assert.throws(
    () => redact(record({ goal: 'x' })),
    (error: unknown) => {
      assert.ok(error instanceof RedactionError);
      assert.equal(error.code, 'REDACTION_FAILED');
      assert.equal(error.cause, boom);
      return true;
    },
  );
});

test('fail closed: a custom result that is not a string, or a value JSON cannot hold', () => {
  const bad = createRedactor({ custom: () => 42 as never });
  throwsCode(() => bad(record({ goal: 'x' })), 'REDACTION_FAILED');
  const redact = createRedactor({});
  throwsCode(() => redact(record({ context: { when: new Date() } as never })), 'REDACTION_FAILED');
  throwsCode(() => redact(record({ context: { n: 10n } as never })), 'REDACTION_FAILED');
  throwsCode(() => redact(record({ confidence: Number.NaN })), 'REDACTION_FAILED');
  throwsCode(() => redact(null as never), 'REDACTION_FAILED');
  const cyclic: Record<string, unknown> = {};
  cyclic['self'] = cyclic;
  throwsCode(() => redact(record({ context: cyclic as never })), 'REDACTION_FAILED');
});

test('a member named __proto__ stays an own member', () => {
  const input = JSON.parse(
    JSON.stringify(sampleDecision()).replace(
      '"context":{',
      '"context":{"__proto__":{"e":"jane@x.org"},',
    ),
  ) as DecisionRecord;
  const out = createRedactor({})(input);
  const context = get(out, 'context') as object;
  assert.equal(Object.getPrototypeOf(context), Object.prototype);
  assert.deepEqual(Object.getOwnPropertyDescriptor(context, '__proto__')?.value, {
    e: '[REDACTED:email]',
  });
});
