#!/usr/bin/env node
// Checks the import graph of packages/*/src (run by `npm run check`):
//  1. no import cycle between modules;
//  2. dependencies between packages point one way (STYLE.md): a package may import only the
//     packages listed for it below, and must declare them in its package.json;
//  3. the two exceptions are narrow: `web` (browser code) may import `protocol` for types only
//     (`import type`, erased at compile time), and `sdk` may reach `ledger` only at run time
//     (`import()` / `import.meta.resolve`), as a declared optional peer dependency.
// Every import form is seen, by TypeScript's own parser: `import`/`export … from`, `import type`,
// side-effect `import '…'`, `import x = require()`, `require()`, `import('…')` in code and in
// types, and `import.meta.resolve('…')`. A dynamic specifier that is not a string literal cannot
// be checked statically and is skipped.
//
// Usage: node scripts/check-imports.mjs [root]   (root defaults to the current directory). The
// self-test (tests/tooling/check-imports.test.ts) imports `checkImports` and runs it on fixtures.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';

/** Which @docket packages each package may import. Lower layers never import higher ones. */
const ALLOWED = {
  protocol: [],
  core: ['protocol'],
  store: ['core', 'protocol'],
  ledger: ['store', 'core', 'protocol'],
  server: ['web', 'ledger', 'store', 'core', 'protocol'],
  sdk: ['protocol'],
  cli: ['server', 'web', 'sdk', 'ledger', 'store', 'core', 'protocol'],
  // Browser code: imports nothing of the Node packages (but see TYPE_ONLY).
  web: [],
  // Integrations: host libraries (peer dependencies) + the SDK.
  otel: ['sdk', 'protocol'],
  'vercel-ai': ['sdk', 'protocol'],
  langchain: ['sdk', 'protocol'],
  'trigger-dev': ['sdk', 'protocol'],
  temporal: ['sdk', 'protocol'],
};

/**
 * Packages a package may import for types only: `import type` / `export type` (or every named
 * binding marked `type`), which `verbatimModuleSyntax` erases, so no code of theirs reaches the
 * importer's output. The browser UI shares the wire types of `protocol` this way (docs/decisions/
 * 0001).
 */
const TYPE_ONLY = { web: ['protocol'] };

/**
 * Packages a package may load only at run time, by `import('…')` or `import.meta.resolve('…')`,
 * and only when its package.json declares them as optional peer dependencies
 * (`peerDependencies` + `peerDependenciesMeta.<name>.optional`). The SDK's local mode runs the
 * embedded ledger in a worker; an SDK installed without it still works against a server.
 */
const OPTIONAL_PEERS = { sdk: ['ledger'] };

const walk = (dir, out) => {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else if (name.endsWith('.ts')) out.push(path);
  }
  return out;
};

const isTypeOnlyImport = (node) => {
  const clause = node.importClause;
  if (clause === undefined) return false; // `import './x.js'`: run for its effects
  if (clause.isTypeOnly) return true;
  const named = clause.namedBindings;
  return (
    clause.name === undefined &&
    named !== undefined &&
    ts.isNamedImports(named) &&
    named.elements.length > 0 &&
    named.elements.every((e) => e.isTypeOnly)
  );
};

const isTypeOnlyExport = (node) =>
  node.isTypeOnly ||
  (node.exportClause !== undefined &&
    ts.isNamedExports(node.exportClause) &&
    node.exportClause.elements.length > 0 &&
    node.exportClause.elements.every((e) => e.isTypeOnly));

const literal = (node) =>
  node !== undefined && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node))
    ? node.text
    : undefined;

const isImportMetaResolve = (callee) =>
  ts.isPropertyAccessExpression(callee) &&
  callee.name.text === 'resolve' &&
  ts.isMetaProperty(callee.expression) &&
  callee.expression.keywordToken === ts.SyntaxKind.ImportKeyword &&
  callee.expression.name.text === 'meta';

/**
 * Every module specifier of a file with how it is used: `static` (loaded with the module),
 * `type` (erased), `dynamic` (`import()` / `require()` at run time) or `resolve`
 * (`import.meta.resolve`).
 */
function importsOf(file, text) {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const found = [];
  const visit = (node) => {
    if (ts.isImportDeclaration(node)) {
      const spec = literal(node.moduleSpecifier);
      if (spec !== undefined)
        found.push({ spec, kind: isTypeOnlyImport(node) ? 'type' : 'static' });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier !== undefined) {
      const spec = literal(node.moduleSpecifier);
      if (spec !== undefined)
        found.push({ spec, kind: isTypeOnlyExport(node) ? 'type' : 'static' });
    } else if (
      ts.isImportEqualsDeclaration(node) &&
      ts.isExternalModuleReference(node.moduleReference)
    ) {
      const spec = literal(node.moduleReference.expression);
      if (spec !== undefined) found.push({ spec, kind: node.isTypeOnly ? 'type' : 'static' });
    } else if (ts.isImportTypeNode(node)) {
      // `import('x').T` in a type position
      const arg = node.argument;
      const spec = ts.isLiteralTypeNode(arg) ? literal(arg.literal) : undefined;
      if (spec !== undefined) found.push({ spec, kind: 'type' });
    } else if (ts.isCallExpression(node)) {
      const callee = node.expression;
      const spec = literal(node.arguments[0]);
      if (spec !== undefined) {
        if (callee.kind === ts.SyntaxKind.ImportKeyword) found.push({ spec, kind: 'dynamic' });
        else if (ts.isIdentifier(callee) && callee.text === 'require')
          found.push({ spec, kind: 'dynamic' });
        else if (isImportMetaResolve(callee)) found.push({ spec, kind: 'resolve' });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/**
 * Checks the packages under `root`; returns the problems found (none: the layers hold) and the
 * number of modules seen.
 */
export function checkImports(root) {
  const problems = [];
  const graph = new Map();
  const packagesDir = join(root, 'packages');
  for (const pkg of readdirSync(packagesDir).sort()) {
    const allowed = ALLOWED[pkg];
    if (allowed === undefined) {
      problems.push(`packages/${pkg}: not in the layer table of scripts/check-imports.mjs`);
      continue;
    }
    const manifest = JSON.parse(readFileSync(join(packagesDir, pkg, 'package.json'), 'utf8'));
    const declared = Object.keys(manifest.dependencies ?? {});
    const optionalPeers = Object.keys(manifest.peerDependencies ?? {}).filter(
      (name) => manifest.peerDependenciesMeta?.[name]?.optional === true,
    );
    const typeOnly = TYPE_ONLY[pkg] ?? [];
    const runtimeOnly = OPTIONAL_PEERS[pkg] ?? [];
    for (const path of walk(join(packagesDir, pkg, 'src'), [])) {
      const file = relative(root, path);
      const edges = [];
      for (const { spec, kind } of importsOf(file, readFileSync(path, 'utf8'))) {
        if (spec.startsWith('.')) {
          // Only imports that load with the module make a cycle (import() breaks one on purpose).
          if (kind === 'static' || kind === 'type')
            edges.push(relative(root, resolve(dirname(path), spec.replace(/\.js$/, '.ts'))));
          continue;
        }
        if (!spec.startsWith('@docket/')) continue;
        const target = spec.slice('@docket/'.length).split('/')[0];
        const name = `@docket/${target}`;
        if (allowed.includes(target)) {
          if (!declared.includes(name))
            problems.push(
              `${file}: imports ${spec}, which packages/${pkg}/package.json does not declare`,
            );
        } else if (typeOnly.includes(target)) {
          if (kind !== 'type')
            problems.push(
              `${file}: ${pkg} may import ${name} for types only (\`import type\`), found a ${kind} import of ${spec}`,
            );
          else if (!declared.includes(name))
            problems.push(
              `${file}: imports ${spec}, which packages/${pkg}/package.json does not declare`,
            );
        } else if (runtimeOnly.includes(target)) {
          if (kind !== 'dynamic' && kind !== 'resolve')
            problems.push(
              `${file}: ${pkg} may reach ${name} only at run time (import() or import.meta.resolve), found a ${kind} import`,
            );
          else if (!optionalPeers.includes(name))
            problems.push(
              `${file}: loads ${spec} at run time, which packages/${pkg}/package.json does not declare as an optional peer dependency (peerDependencies + peerDependenciesMeta.optional)`,
            );
        } else {
          problems.push(
            `${file}: ${pkg} may not import ${name} (allowed: ${allowed.join(', ') || 'none'}${
              typeOnly.length > 0 ? `; types only: ${typeOnly.join(', ')}` : ''
            }${runtimeOnly.length > 0 ? `; at run time as optional peers: ${runtimeOnly.join(', ')}` : ''})`,
          );
        }
      }
      graph.set(file, edges);
    }
  }

  // Depth-first search for a back edge: each cycle is reported once, by its path.
  const state = new Map();
  const stack = [];
  const visit = (node) => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'open')
        problems.push(`import cycle: ${[...stack.slice(stack.indexOf(next)), next].join(' → ')}`);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of graph.keys()) if (!state.has(node)) visit(node);
  return { problems, modules: graph.size };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { problems, modules } = checkImports(resolve(process.argv[2] ?? '.'));
  if (problems.length > 0) {
    for (const p of problems) console.error(p);
    process.exit(1);
  }
  console.log(`imports: ${modules} modules, no cycle, package layers respected`);
}
