#!/usr/bin/env node
// The README's first command ends here: record realistic decisions into the embedded ledger
// (./.docket, SQLite), audit it, export one evidence bundle and check it offline.
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { sampleDecision, createUuidV7 } from '@docket/protocol';

const dataDir = process.env.DOCKET_DATA_DIR ?? '.docket';
const count = Number(process.env.DOCKET_QUICKSTART_COUNT ?? 1000);
const work = mkdtempSync(join(tmpdir(), 'docket-quickstart-'));
const docket = (...args) => {
  console.log(`\n$ docket ${args.join(' ')}`);
  const r = spawnSync(process.execPath, ['packages/cli/bin/docket.js', ...args], {
    stdio: 'inherit',
  });
  if (r.status !== 0) {
    console.error(`docket ${args[0]} exited with ${r.status}`);
    process.exit(r.status ?? 1);
  }
};

const file = join(work, 'decisions.jsonl');
const lines = [];
let first;
for (let i = 0; i < count; i++) {
  const record = sampleDecision({
    id: createUuidV7(),
    ts: new Date().toISOString(),
    subject: { id: `applicant-${10000 + (i % 250)}`, type: 'loan_applicant' },
    producer: { id: 'quickstart', seq: i, sdk: 'docket-quickstart/0.1.0' },
  });
  first ??= record;
  lines.push(JSON.stringify(record));
}
writeFileSync(file, `${lines.join('\n')}\n`);
console.log(`wrote ${count} sample loan-approval decisions to ${file}`);

docket('ingest', '--data', dataDir, file);
docket('verify', '--data', dataDir);
const bundle = join(work, 'bundle.json');
docket(
  'export',
  '--data',
  dataDir,
  '--decision',
  first.id,
  '--disclose',
  'outcome,reasoning,model',
  '--out',
  bundle,
);
const vkey = spawnSync(
  process.execPath,
  ['packages/cli/bin/docket.js', 'log', '--data', dataDir, '--json'],
  { encoding: 'utf8' },
);
docket('verify', bundle, '--key', JSON.parse(vkey.stdout).vkey);
docket('log', '--data', dataDir);
rmSync(work, { recursive: true, force: true });
console.log(`\nDone. The ledger is in ${dataDir}; try: npx docket --help`);
