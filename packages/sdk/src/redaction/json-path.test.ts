import { test } from 'node:test';
import assert from 'node:assert/strict';

import { childPath, compilePath, startStates, stepInto } from './json-path.js';

test('compilePath: every supported form', () => {
  assert.deepEqual(compilePath('$.a["b c"][2][*].*..d..*..[\'e\']').segments, [
    { kind: 'key', name: 'a' },
    { kind: 'key', name: 'b c' },
    { kind: 'index', index: 2 },
    { kind: 'any' },
    { kind: 'any' },
    { kind: 'descend', name: 'd' },
    { kind: 'descend', name: undefined },
    { kind: 'descend', name: 'e' },
  ]);
  assert.deepEqual(compilePath("$['it\\'s']").segments, [{ kind: 'key', name: "it's" }]);
  assert.deepEqual(compilePath('$').segments, []);
});

test('compilePath: malformed paths are SyntaxErrors', () => {
  for (const bad of ['a.b', '$.', '$..', '$[', "$['a", '$[01]', '$[-1]', '$.a b', '$..[0]']) {
    assert.throws(() => compilePath(bad), SyntaxError, bad);
  }
});

test('stepInto: names match members, indexes match elements, descent keeps going', () => {
  const paths = [compilePath('$.a[0]'), compilePath('$..x')];
  const a = stepInto(paths, startStates(2), 'a');
  assert.equal(a.matched, -1);
  assert.equal(stepInto(paths, a.states, 0).matched, 0);
  assert.equal(stepInto(paths, a.states, '0').matched, -1);
  const deep = stepInto(paths, stepInto(paths, a.states, 3).states, 'x');
  assert.equal(deep.matched, 1);
});

test('childPath: the notation rules are written in', () => {
  assert.equal(childPath('$', 'context'), '$.context');
  assert.equal(childPath('$.tools', 0), '$.tools[0]');
  assert.equal(childPath('$', "it's a-b"), "$['it\\'s a-b']");
});
