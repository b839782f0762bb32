// The snippet rule (markdown-snippets.ts) on small Markdown texts: which blocks are checked, how
// a marker changes that, and the markers it refuses.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  extractSnippets,
  missingExcerptLines,
  shellCommands,
  SnippetRuleError,
} from './markdown-snippets.js';

const fence = '```';

describe('extractSnippets', () => {
  test('ts, js, python and sh blocks are checked; json and untagged blocks are not', () => {
    const md = [
      `${fence}ts`,
      'const a = 1;',
      fence,
      `${fence}sh`,
      'ls',
      fence,
      fence,
      'tree',
      fence,
      `${fence}python`,
      'print(1)',
      fence,
      `${fence}json`,
      '{}',
      fence,
      `${fence}js`,
      'let b;',
      fence,
    ].join('\n');
    const found = extractSnippets(md, 'X.md');
    assert.deepEqual(
      found.map((s) => [s.language, s.line, s.mode, s.code]),
      [
        ['ts', 1, 'run', 'const a = 1;\n'],
        ['sh', 4, 'run', 'ls\n'],
        ['python', 10, 'run', 'print(1)\n'],
        ['js', 16, 'run', 'let b;\n'],
      ],
    );
  });

  test('a marker just above a block (blank lines allowed) sets its mode and note', () => {
    const md = [
      '<!-- snippet: skip (a sketch over two files) -->',
      `${fence}ts`,
      'x',
      fence,
      '<!-- snippet: no-run (calls a hosted model) -->',
      '',
      `${fence}ts`,
      'y',
      fence,
      '<!-- snippet: excerpt src/worker.ts -->',
      `${fence}python`,
      'z',
      fence,
      `${fence}ts`,
      'w',
      fence,
    ].join('\n');
    assert.deepEqual(
      extractSnippets(md, 'X.md').map((s) => [s.mode, s.note]),
      [
        ['skip', 'a sketch over two files'],
        ['no-run', 'calls a hosted model'],
        ['excerpt', 'src/worker.ts'],
        ['run', undefined],
      ],
    );
  });

  test('a skip without a reason, a marker away from a block or above a json block is refused', () => {
    const bad = [
      ['<!-- snippet: skip -->', `${fence}ts`, 'x', fence],
      ['<!-- snippet: no-run () -->', `${fence}ts`, 'x', fence],
      ['<!-- snippet: skip (why) -->', 'Some prose.', `${fence}ts`, 'x', fence],
      ['<!-- snippet: skip (why) -->', `${fence}json`, '{}', fence],
      [`${fence}ts`, 'never closed'],
    ];
    for (const lines of bad) {
      assert.throws(
        () => extractSnippets(lines.join('\n'), 'X.md'),
        (error: unknown) => error instanceof SnippetRuleError && /^X\.md:\d+$/.test(error.where),
        lines.join(' | '),
      );
    }
  });
});

describe('missingExcerptLines', () => {
  test('lines are compared trimmed, … matches any text, a line of … alone is dropped', () => {
    const source = 'def f():\n    x = g(1, 2)  # note\n    return x\n';
    assert.deepEqual(missingExcerptLines('def f():\n…\n  x = g(…)  # note\n', source), []);
    assert.deepEqual(missingExcerptLines('def f():\n    y = 2\n', source), ['y = 2']);
    assert.deepEqual(missingExcerptLines('x = g(1, 3)…\n', source), ['x = g(1, 3)…']);
  });
});

describe('shellCommands', () => {
  test('continuations, comments, pipes, lists and substitutions split into simple commands', () => {
    const code = [
      'npx docket serve &   # prints: listening on http://127.0.0.1:7420',
      'export K=$(npx docket keys create --role ingest --json | jq -r .key)',
      'DOCKET_URL=http://x A=1 node scripts/run-tests.mjs \\',
      "  'tests/dist/docs' && npm test",
    ].join('\n');
    assert.deepEqual(shellCommands(code), [
      ['npx', 'docket', 'serve'],
      ['npx', 'docket', 'keys', 'create', '--role', 'ingest', '--json'],
      ['jq', '-r', '.key'],
      ['node', 'scripts/run-tests.mjs', 'tests/dist/docs'],
      ['npm', 'test'],
    ]);
  });
});
