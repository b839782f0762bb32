import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { listOperations } from './document.js';
import { compileValidators } from './validator.js';

const validators = compileValidators(listOperations());
const problem = {
  type: 'urn:docket:problem:NOT_FOUND',
  title: 'Not Found',
  status: 404,
  detail: 'no such thing',
  code: 'NOT_FOUND',
};

describe('response validator', () => {
  test('refuses a status the operation does not document, a refusal too', () => {
    // getHealth documents 200, 400, 429 and 500: a 404 problem is not among them.
    const issues = validators.get('getHealth')!.response(404, problem);
    assert.deepEqual(
      issues.map((i) => i.code),
      ['RESPONSE_UNDOCUMENTED'],
    );
  });

  test('accepts a documented refusal with a problem body', () => {
    const issues = validators
      .get('getDecision')!
      .response(404, { ...problem, code: 'DECISION_NOT_FOUND' });
    assert.deepEqual(issues, []);
  });

  test('every operation documents 500 and 429, which any request can meet', () => {
    for (const op of listOperations()) {
      assert.ok(op.responses.has('500'), `${op.operationId}: no 500`);
      assert.ok(op.responses.has('429'), `${op.operationId}: no 429`);
    }
  });
});
