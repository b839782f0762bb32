/**
 * The error catalogue (`@docket/protocol` `ERROR_CODES`) against the code: every code thrown or
 * returned as an issue anywhere in `packages/∗/src` is in it, and every entry of it is used. The
 * compiler checks the throws of Docket errors (their `code` is an `ErrorCode`); this also covers
 * the browser verifier and integrations, whose errors do not derive from `DocketError`.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { ErrorCodeEntry } from '@docket/protocol';
import { ERROR_CODES, EXIT_CODES, errorCodeOr, exitCodeOf, httpStatusOf } from '@docket/protocol';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CATALOGUE = join('packages', 'protocol', 'src', 'errors-catalogue.ts');

/** The source files of every package, tests and the catalogue itself left out. */
function sourceFiles(): string[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(join(ROOT, dir))) {
      const path = join(dir, name);
      if (name === 'node_modules' || name === 'dist') continue;
      if (statSync(join(ROOT, path)).isDirectory()) walk(path);
      else if (name.endsWith('.ts') && !name.endsWith('.test.ts') && path !== CATALOGUE) {
        files.push(path);
      }
    }
  };
  for (const pkg of readdirSync(join(ROOT, 'packages'))) walk(join('packages', pkg, 'src'));
  return files;
}

/**
 * A SCREAMING_SNAKE literal where a code goes: the first argument of an error or issue
 * constructor or helper, a `code:` property, a comparison with a code, a fallback code.
 */
const CODE_SITE =
  /(?:Error\(|Issue\(|\berr\(|\bissue\(|issueOf\([^,()]*,|\bfail\(|toIssue\([^,()]*,|toSdkError\(|\breport\(|#lose\([^,()]*,|code:|code\s*[!=]==|\?\?)\s*'([A-Z][A-Z0-9_]*)'/g;
/**
 * Node's and drivers' own codes (`ENOENT`, `ERR_…`, the HTTP parser's `HPE_…`, `SQLITE_…`) and
 * HTTP methods are not ours.
 */
const NOT_OURS = /^(E[A-Z]+|ERR_[A-Z0-9_]+|HPE_[A-Z_]+|SQLITE_[A-Z_]+|GET|HEAD|POST)$/;

const sources = sourceFiles().map((path) => ({
  path,
  text: readFileSync(join(ROOT, path), 'utf8'),
}));

describe('error catalogue', () => {
  test('the scan finds the source (a scan of nothing would pass)', () => {
    assert.ok(sources.length > 100, `only ${sources.length} source files found`);
    assert.ok(sources.some((s) => s.path.endsWith(join('server', 'src', 'server.ts'))));
  });

  test('every code thrown or returned as an issue is in the catalogue', () => {
    const missing: string[] = [];
    for (const { path, text } of sources) {
      for (const match of text.matchAll(CODE_SITE)) {
        const code = match[1]!;
        if (!NOT_OURS.test(code) && !Object.hasOwn(ERROR_CODES, code)) {
          missing.push(`${code} (${path})`);
        }
      }
    }
    assert.deepEqual(missing, []);
  });

  test('every entry of the catalogue is used somewhere', () => {
    const all = sources.map((s) => s.text).join('\n');
    const unused = Object.keys(ERROR_CODES).filter((code) => !all.includes(`'${code}'`));
    assert.deepEqual(unused, []);
  });

  test('every entry has a 4xx/5xx status, an exit code of the table and a summary', () => {
    const exits = new Set<number>(Object.values(EXIT_CODES));
    for (const [code, entry] of Object.entries(ERROR_CODES) as [string, ErrorCodeEntry][]) {
      assert.match(code, /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/);
      assert.ok(entry.http >= 400 && entry.http <= 599, `${code}: status ${entry.http}`);
      assert.ok(
        exits.has(entry.exit) && entry.exit !== EXIT_CODES.ok,
        `${code}: exit ${entry.exit}`,
      );
      assert.ok(entry.summary.length > 0, `${code}: no summary`);
    }
  });

  test('status and exit code derive from the catalogue; unknown strings are 500 and io', () => {
    assert.equal(httpStatusOf('STORE_CLOSED'), 503);
    assert.equal(httpStatusOf('STORE_CLOSED'), httpStatusOf('STORE_IO'));
    assert.equal(httpStatusOf('NO_SUCH_CODE'), 500);
    assert.equal(exitCodeOf('USAGE'), EXIT_CODES.usage);
    assert.equal(exitCodeOf('NO_SUCH_CODE'), EXIT_CODES.io);
    assert.equal(errorCodeOr('FORBIDDEN', 'HTTP_ERROR'), 'FORBIDDEN');
    assert.equal(errorCodeOr('HTTP_418', 'HTTP_ERROR'), 'HTTP_ERROR');
    assert.equal(errorCodeOr(undefined, 'HTTP_ERROR'), 'HTTP_ERROR');
  });
});
