// Tests break records on purpose, so they edit them through `any`.
/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-assignment */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ProtocolError } from '../errors.js';
import type { Issue } from '../errors.js';
import { sampleDecision } from './sample.js';
import type { DecisionRecord } from './types.js';
import {
  assertDecision,
  checkDecision,
  DECISION_SCHEMA_V1,
  DecisionInvalidError,
} from './validate.js';

/** The sample with one part changed: `edit` gets a mutable deep copy. */
function mutated(edit: (record: Record<string, any>) => void): unknown {
  const record = structuredClone(sampleDecision()) as Record<string, any>;
  edit(record);
  return record;
}

function issuesOf(value: unknown): Issue[] {
  const result = checkDecision(value);
  if (result.ok) assert.fail('expected the record to be refused');
  return result.issues;
}

/** Asserts that exactly one issue is reported, with this code and where. */
function assertOnly(value: unknown, code: string, where: string): Issue {
  const issues = issuesOf(value);
  assert.deepEqual(
    issues.map((i) => [i.code, i.where]),
    [[code, where]],
    JSON.stringify(issues),
  );
  return issues[0]!;
}

describe('checkDecision', () => {
  test('accepts the sample, and returns it as the record', () => {
    const record = sampleDecision();
    const result = checkDecision(record);
    assert.deepEqual(result, { ok: true, record });
  });

  test('accepts the sample after a JSON round trip', () => {
    assert.equal(checkDecision(JSON.parse(JSON.stringify(sampleDecision()))).ok, true);
  });

  test('accepts a minimal record', () => {
    const minimal: DecisionRecord = {
      id: '0192fcbd-73f4-7a4c-9d31-5e8f2b6c40a7',
      schema: DECISION_SCHEMA_V1,
      ts: '2024-11-05T14:32:07Z',
      agent: { id: 'a', version: '1' },
      outcome: { action: 'approve' },
    };
    assert.equal(checkDecision(minimal).ok, true);
  });

  test('accepts reasoning as one text', () => {
    assert.equal(checkDecision(sampleDecision({ reasoning: 'All rules pass.' })).ok, true);
  });

  describe('each code, where it was found', () => {
    const cases: [string, (r: Record<string, any>) => void, string, string][] = [
      [
        'SCHEMA_TYPE',
        (r) => {
          r.confidence = '0.8';
        },
        'SCHEMA_TYPE',
        '$.confidence',
      ],
      [
        'SCHEMA_TYPE in an array',
        (r) => {
          r.alternatives[2].score = 'low';
        },
        'SCHEMA_TYPE',
        '$.alternatives[2].score',
      ],
      [
        'SCHEMA_TYPE for a non-integer seq',
        (r) => {
          r.producer.seq = 1.5;
        },
        'SCHEMA_TYPE',
        '$.producer.seq',
      ],
      [
        'SCHEMA_TYPE for a record that is an array',
        (r) => {
          r.context = [];
        },
        'SCHEMA_TYPE',
        '$.context',
      ],
      [
        'SCHEMA_TYPE for a reasoning step',
        (r) => {
          r.reasoning.push(7);
        },
        'SCHEMA_TYPE',
        '$.reasoning[3]',
      ],
      ['SCHEMA_REQUIRED', (r) => delete r.outcome.action, 'SCHEMA_REQUIRED', '$.outcome.action'],
      ['SCHEMA_REQUIRED at the top', (r) => delete r.agent, 'SCHEMA_REQUIRED', '$.agent'],
      [
        'SCHEMA_REQUIRED in a step',
        (r) => delete r.reasoning[1].text,
        'SCHEMA_REQUIRED',
        '$.reasoning[1].text',
      ],
      [
        'SCHEMA_UNKNOWN_PROPERTY at the top',
        (r) => {
          r.extra = 1;
        },
        'SCHEMA_UNKNOWN_PROPERTY',
        '$.extra',
      ],
      [
        'SCHEMA_UNKNOWN_PROPERTY nested',
        (r) => {
          r.correlation.orchestrator.shard = 2;
        },
        'SCHEMA_UNKNOWN_PROPERTY',
        '$.correlation.orchestrator.shard',
      ],
      [
        'SCHEMA_CONST',
        (r) => {
          r.schema = 1;
        },
        'SCHEMA_CONST',
        '$.schema',
      ],
      [
        'SCHEMA_VERSION_UNKNOWN',
        (r) => {
          r.schema = 'docket.decision/v2';
        },
        'SCHEMA_VERSION_UNKNOWN',
        '$.schema',
      ],
      [
        'SCHEMA_RANGE above',
        (r) => {
          r.confidence = 1.01;
        },
        'SCHEMA_RANGE',
        '$.confidence',
      ],
      [
        'SCHEMA_RANGE below',
        (r) => {
          r.tools[0].duration = -1;
        },
        'SCHEMA_RANGE',
        '$.tools[0].duration',
      ],
      [
        'SCHEMA_RANGE attempt',
        (r) => {
          r.correlation.orchestrator.attempt = -1;
        },
        'SCHEMA_RANGE',
        '$.correlation.orchestrator.attempt',
      ],
      [
        'SCHEMA_LENGTH empty',
        (r) => {
          r.outcome.action = '';
        },
        'SCHEMA_LENGTH',
        '$.outcome.action',
      ],
      [
        'SCHEMA_LENGTH id',
        (r) => {
          r.agent.id = 'x'.repeat(257);
        },
        'SCHEMA_LENGTH',
        '$.agent.id',
      ],
      [
        'SCHEMA_LENGTH goal',
        (r) => {
          r.goal = 'x'.repeat(16385);
        },
        'SCHEMA_LENGTH',
        '$.goal',
      ],
      [
        'SCHEMA_LENGTH items',
        (r) => {
          r.policy.rules_evaluated = Array(1001).fill('r');
        },
        'SCHEMA_LENGTH',
        '$.policy.rules_evaluated',
      ],
      [
        'SCHEMA_LENGTH tag key',
        (r) => {
          r.tags[''] = 'x';
        },
        'SCHEMA_LENGTH',
        "$.tags['']",
      ],
      [
        'SCHEMA_PATTERN id',
        (r) => {
          r.id = r.id.toUpperCase();
        },
        'SCHEMA_PATTERN',
        '$.id',
      ],
      [
        'SCHEMA_PATTERN uuid v4',
        (r) => {
          r.id = '9b2f1c3e-4d5a-4b6c-8d7e-0f1a2b3c4d5e';
        },
        'SCHEMA_PATTERN',
        '$.id',
      ],
      [
        'SCHEMA_PATTERN ts offset',
        (r) => {
          r.ts = '2024-11-05T15:32:07.412+01:00';
        },
        'SCHEMA_PATTERN',
        '$.ts',
      ],
      [
        'SCHEMA_PATTERN traceId',
        (r) => {
          r.correlation.traceId = '4BF92F3577B34DA6A3CE929D0E0E4736';
        },
        'SCHEMA_PATTERN',
        '$.correlation.traceId',
      ],
      [
        'SCHEMA_PATTERN zero traceId',
        (r) => {
          r.correlation.traceId = '0'.repeat(32);
        },
        'SCHEMA_PATTERN',
        '$.correlation.traceId',
      ],
      [
        'SCHEMA_PATTERN spanId',
        (r) => {
          r.correlation.spanId = '00f067aa0ba902b';
        },
        'SCHEMA_PATTERN',
        '$.correlation.spanId',
      ],
      [
        'SCHEMA_PATTERN digest',
        (r) => {
          r.lineage.inputs[0].digest = 'd41d8cd98f00b204';
        },
        'SCHEMA_PATTERN',
        '$.lineage.inputs[0].digest',
      ],
      [
        'SCHEMA_FORMAT',
        (r) => {
          r.ts = '2024-02-30T10:00:00Z';
        },
        'SCHEMA_FORMAT',
        '$.ts',
      ],
    ];
    for (const [name, edit, code, where] of cases) {
      test(name, () => {
        assertOnly(mutated(edit), code, where);
      });
    }
  });

  test('SCHEMA_VERSION_UNKNOWN names the version found and the one supported', () => {
    const issue = assertOnly(
      mutated((r) => {
        r.schema = 'docket.decision/v2';
      }),
      'SCHEMA_VERSION_UNKNOWN',
      '$.schema',
    );
    assert.equal(
      issue.message,
      '"docket.decision/v2" is not supported by this version; supported: docket.decision/v1',
    );
  });

  test('a free-form part accepts any JSON but not what JSON cannot hold', () => {
    assert.equal(
      checkDecision(
        mutated((r) => {
          r.context.nested = { a: [null, true, 1.5, 'x'] };
        }),
      ).ok,
      true,
    );
    assertOnly(
      mutated((r) => {
        r.context.when = new Date(0);
      }),
      'SCHEMA_TYPE',
      '$.context.when',
    );
    assertOnly(
      mutated((r) => {
        r.llm[0].response.n = Number.NaN;
      }),
      'SCHEMA_TYPE',
      '$.llm[0].response.n',
    );
  });

  test('reports every problem, not just the first', () => {
    const issues = issuesOf(
      mutated((r) => {
        delete r.ts;
        r.agent.version = 3;
        r.alternatives[1].score = 'high';
        r.confidence = 7;
        r.unknown = true;
        r.tools[0].extra = 1;
      }),
    );
    assert.deepEqual(issues.map((i) => [i.code, i.where]).sort(), [
      ['SCHEMA_RANGE', '$.confidence'],
      ['SCHEMA_REQUIRED', '$.ts'],
      ['SCHEMA_TYPE', '$.agent.version'],
      ['SCHEMA_TYPE', '$.alternatives[1].score'],
      ['SCHEMA_UNKNOWN_PROPERTY', '$.tools[0].extra'],
      ['SCHEMA_UNKNOWN_PROPERTY', '$.unknown'],
    ]);
  });

  test('messages say what was expected and what was found', () => {
    const [range] = issuesOf(
      mutated((r) => {
        r.confidence = 7;
      }),
    );
    assert.equal(range?.message, 'expected a number at most 1, found 7');
    const [length] = issuesOf(
      mutated((r) => {
        r.agent.id = '';
      }),
    );
    assert.equal(length?.message, 'expected at least 1 character, found 0');
  });

  test('refuses values that are not records', () => {
    for (const value of [null, undefined, 'x', 1, [], new Date(0)]) {
      assert.deepEqual(
        issuesOf(value).map((i) => [i.code, i.where]),
        [['SCHEMA_TYPE', '$']],
      );
    }
    assert.deepEqual(
      issuesOf({}).map((i) => i.where),
      ['$.id', '$.schema', '$.ts', '$.agent', '$.outcome'],
    );
  });
});

describe('assertDecision', () => {
  test('passes a valid record', () => {
    const value: unknown = sampleDecision();
    assertDecision(value);
    assert.equal(value.outcome.action, 'approve');
  });

  test('throws DecisionInvalidError with every issue', () => {
    const value = mutated((r) => {
      r.outcome.action = '';
      r.confidence = -1;
    });
    assert.throws(
      () => {
        assertDecision(value);
      },
      (error: unknown) => {
        assert.ok(error instanceof DecisionInvalidError);
        assert.ok(error instanceof ProtocolError);
        assert.equal(error.code, 'DECISION_INVALID');
        assert.equal(error.where, '$.outcome.action');
        assert.equal(error.issues.length, 2);
        assert.match(
          error.message,
          /SCHEMA_LENGTH: expected at least 1 character, found 0 \(and 1 more\)/,
        );
        assert.equal(error.toIssue().code, 'DECISION_INVALID');
        return true;
      },
    );
  });
});
