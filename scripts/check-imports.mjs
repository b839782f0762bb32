#!/usr/bin/env node
// Checks the import graph of packages/*/src (run by `npm test`):
//  1. no import cycle between modules;
//  2. dependencies between packages point one way (STYLE.md): a package may import only the
//     packages listed for it below, and must declare them in its package.json.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** Which @docket packages each package may import. Lower layers never import higher ones. */
const ALLOWED = {
  protocol: [],
  core: ['protocol'],
  store: ['core', 'protocol'],
  ledger: ['store', 'core', 'protocol'],
  server: ['web', 'ledger', 'store', 'core', 'protocol'],
  sdk: ['protocol'],
  cli: ['server', 'web', 'sdk', 'ledger', 'store', 'core', 'protocol'],
  // Browser code: imports nothing of the Node packages.
  web: [],
  // Integrations: host libraries (peer dependencies) + the SDK.
  otel: ['sdk', 'protocol'],
  'vercel-ai': ['sdk', 'protocol'],
  langchain: ['sdk', 'protocol'],
  'trigger-dev': ['sdk', 'protocol'],
  temporal: ['sdk', 'protocol'],
};

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+['"]([^'"]+)['"]/g;
const problems = [];
const graph = new Map();

const walk = (dir, out) => {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else if (name.endsWith('.ts')) out.push(path);
  }
  return out;
};

for (const pkg of readdirSync('packages').sort()) {
  const allowed = ALLOWED[pkg];
  if (allowed === undefined) {
    problems.push(`packages/${pkg}: not in the layer table of scripts/check-imports.mjs`);
    continue;
  }
  const declared = Object.keys(
    JSON.parse(readFileSync(join('packages', pkg, 'package.json'), 'utf8')).dependencies ?? {},
  );
  for (const file of walk(join('packages', pkg, 'src'), [])) {
    const edges = [];
    for (const [, spec] of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      if (spec.startsWith('.')) {
        edges.push(relative('.', resolve(dirname(file), spec.replace(/\.js$/, '.ts'))));
      } else if (spec.startsWith('@docket/')) {
        const target = spec.slice('@docket/'.length).split('/')[0];
        if (!allowed.includes(target))
          problems.push(
            `${file}: ${pkg} may not import @docket/${target} (allowed: ${allowed.join(', ') || 'none'})`,
          );
        else if (!declared.includes(`@docket/${target}`))
          problems.push(
            `${file}: imports ${spec}, which packages/${pkg}/package.json does not declare`,
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

if (problems.length > 0) {
  for (const p of problems) console.error(p);
  process.exit(1);
}
console.log(`imports: ${graph.size} modules, no cycle, package layers respected`);
