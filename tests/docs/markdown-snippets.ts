/**
 * The code blocks of the project's Markdown that the snippet tests run, and the rule that picks
 * them (also read by clients/python/tests/readme_snippets.py, which must agree):
 *
 * - a fenced block tagged `ts`, `js`, `python` or `sh` is code a reader may paste, so it is
 *   checked: TypeScript and JavaScript are type-checked against the workspace packages and run
 *   against a real `docket serve` (readme-snippets.test.ts); Python runs in the client's test
 *   venv against a real server (clients/python/tests/readme_snippets.py); shell commands are
 *   checked against the CLI, package.json and the files (shell-snippets.test.ts), not run;
 * - the last non-blank line above the fence may say otherwise, with a reason:
 *   `<!-- snippet: skip (reason) -->` (not checked), `<!-- snippet: no-run (reason) -->`
 *   (type-checked, not run), or `<!-- snippet: excerpt PATH -->` (each line of the block is a line
 *   of PATH, relative to the Markdown file; `…` stands for any text, a line of `…` alone is
 *   dropped);
 * - every other block (`json`, `nginx`, untagged) is not checked by this rule.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** What a snippet test does with a block. */
export type SnippetMode = 'run' | 'no-run' | 'skip' | 'excerpt';

/** The languages whose blocks are checked. */
export const CHECKED_LANGUAGES = ['ts', 'js', 'python', 'sh'] as const;
/** One of {@link CHECKED_LANGUAGES}. */
export type SnippetLanguage = (typeof CHECKED_LANGUAGES)[number];

/** A checked code block of a Markdown file. */
export interface Snippet {
  /** The Markdown file, relative to the repository root. */
  readonly file: string;
  /** The 1-based line of the opening fence. */
  readonly line: number;
  readonly language: SnippetLanguage;
  readonly code: string;
  readonly mode: SnippetMode;
  /** The reason of a skip or no-run; the PATH of an excerpt. */
  readonly note?: string;
}

/** A marker or fence this rule cannot read: the snippet test fails on it. */
export class SnippetRuleError extends Error {
  readonly code = 'SNIPPET_MARKER_INVALID';
  constructor(
    message: string,
    readonly where: string,
  ) {
    super(`${where}: ${message}`);
    this.name = 'SnippetRuleError';
  }
}

const MARKER = /^<!--\s*snippet:\s*(.*?)\s*-->$/;
const FENCE = /^(`{3,}|~{3,})\s*([\w-]*)/;

const isChecked = (language: string): language is SnippetLanguage =>
  (CHECKED_LANGUAGES as readonly string[]).includes(language);

/** The marker above a fence, read: its mode and note. */
function readMarker(text: string, where: string): { mode: SnippetMode; note?: string } {
  const skip = /^(skip|no-run)\s+\((.+)\)$/.exec(text);
  if (skip !== null) return { mode: skip[1] as 'skip' | 'no-run', note: skip[2]! };
  const excerpt = /^excerpt\s+(\S+)$/.exec(text);
  if (excerpt !== null) return { mode: 'excerpt', note: excerpt[1]! };
  throw new SnippetRuleError(
    `unreadable marker "${text}": skip (reason), no-run (reason) or excerpt PATH`,
    where,
  );
}

/**
 * The checked blocks of one Markdown text. Throws {@link SnippetRuleError} on a marker that is not
 * above a checked block or cannot be read.
 *
 * @example
 * extractSnippets('```ts\nconst a = 1;\n```\n', 'README.md'); // [{ language: 'ts', mode: 'run', … }]
 */
export function extractSnippets(markdown: string, file: string): Snippet[] {
  const lines = markdown.split('\n');
  const snippets: Snippet[] = [];
  let pending: { text: string; line: number } | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const marker = MARKER.exec(line.trim());
    if (marker !== null) {
      pending = { text: marker[1]!, line: i + 1 };
      continue;
    }
    const fence = FENCE.exec(line);
    if (fence === null) {
      if (line.trim() !== '' && pending !== undefined) {
        throw new SnippetRuleError(
          'a snippet marker must stand just above a code block',
          `${file}:${pending.line}`,
        );
      }
      continue;
    }
    const close = lines.findIndex((l, j) => j > i && l.trimEnd() === fence[1]);
    if (close === -1) throw new SnippetRuleError('unclosed code block', `${file}:${i + 1}`);
    const language = fence[2]!;
    const code = lines.slice(i + 1, close).join('\n') + '\n';
    if (isChecked(language)) {
      const read =
        pending === undefined
          ? { mode: 'run' as const }
          : readMarker(pending.text, `${file}:${pending.line}`);
      snippets.push({ file, line: i + 1, language, code, ...read });
    } else if (pending !== undefined) {
      throw new SnippetRuleError(
        `a snippet marker above a "${language}" block (only ${CHECKED_LANGUAGES.join(', ')} are checked)`,
        `${file}:${pending.line}`,
      );
    }
    pending = undefined;
    i = close;
  }
  return snippets;
}

/**
 * The Markdown files whose snippets are checked: README.md, packages/x/README.md,
 * clients/python/README.md, examples/x/README.md and docs/x.md, relative to `root`.
 *
 * @example
 * markdownFiles(repoRoot); // ['README.md', 'clients/python/README.md', 'docs/deploy.md', …]
 */
export function markdownFiles(root: string): string[] {
  const readmes = (dir: string): string[] =>
    readdirSync(join(root, dir), { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => join(dir, d.name, 'README.md'))
      .filter((path) => {
        try {
          readFileSync(join(root, path));
          return true;
        } catch {
          return false;
        }
      });
  const docs = readdirSync(join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => join('docs', name));
  return [
    'README.md',
    'clients/python/README.md',
    ...readmes('packages'),
    ...readmes('examples'),
    ...docs,
  ]
    .map((path) => relative(root, join(root, path)))
    .sort();
}

/**
 * The lines of an excerpt block that are missing from `source` (empty when it is an excerpt):
 * compared trimmed, `…` matching any text, lines of `…` alone dropped.
 *
 * @example
 * missingExcerptLines('const a = f(…);\n', 'const a = f(1, 2);\n'); // []
 */
export function missingExcerptLines(block: string, source: string): string[] {
  const sourceLines = source.split('\n').map((l) => l.trim());
  const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return block
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && l !== '…')
    .filter((l) => {
      const pattern = new RegExp(`^${l.split('…').map(escape).join('.*')}$`);
      return !sourceLines.some((s) => pattern.test(s));
    });
}

/**
 * The simple commands of a shell snippet, each as its words: `\\`-continued lines joined,
 * comments dropped, split at `&&`, `||`, `|`, `;`, `&` and command substitutions `$(…)`, quotes
 * removed, leading `VAR=value` assignments and `export` dropped.
 *
 * @example
 * shellCommands('export K=$(npx docket keys create --json | jq -r .key)\n');
 * // [['npx', 'docket', 'keys', 'create', '--json'], ['jq', '-r', '.key']]
 */
export function shellCommands(code: string): string[][] {
  return code
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.replace(/(^|\s)#.*$/, ''))
    .flatMap((line) =>
      line
        .replace(/\$\(/g, ';')
        .replace(/\)/g, ';')
        .split(/&&|\|\||[|;&]/),
    )
    .map((command) =>
      command
        .replace(/["']/g, '')
        .split(/\s+/)
        .filter((w) => w !== ''),
    )
    .map((words) => {
      let i = 0;
      while (i < words.length && (words[i] === 'export' || /^[A-Za-z_]\w*=/.test(words[i]!))) i++;
      return words.slice(i);
    })
    .filter((words) => words.length > 0);
}
