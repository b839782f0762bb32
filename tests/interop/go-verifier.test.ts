// Interop with independent implementations: Go's golang.org/x/mod/sumdb/note and
// transparency-dev/formats verify Docket's signed checkpoints, and transparency-dev/merkle verifies
// its leaf hashes, inclusion and consistency proofs (tests/interop/go-verifier/main.go). Needs the
// `go` toolchain (modules from the Go module proxy); skipped with a message where it is absent,
// a failure under CI=true.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  auditDataDir,
  dataDirPaths,
  openLedger,
  proveConsistency,
  proveInclusion,
} from '@docket/ledger';
import { openSqliteStore } from '@docket/store';
import type { CheckpointRow } from '@docket/store';
import { fixtureDecision, tempDir } from '../support/ledger-fixture.js';
import { repoRoot } from '../support/vectors.js';

const hasGo = spawnSync('go', ['version'], { encoding: 'utf8' }).status === 0;
const options = ((): { skip?: string } => {
  if (hasGo) return {};
  const message = 'the go toolchain is not installed: Go interop tests skipped';
  if (process.env['CI'] === 'true') throw new Error(`${message}; under CI=true this is a failure`);
  return { skip: message };
})();

interface GoResult {
  kind: 'checkpoint' | 'inclusion' | 'consistency';
  index: number;
  ok: boolean;
  error?: string;
}

describe('Go verifiers accept what Docket writes, and reject what was changed', options, () => {
  const tmp = tempDir('docket-go-');
  const binary = join(tmp.dir, 'go-verifier');
  after(() => {
    tmp.cleanup();
  });

  const runGo = (input: unknown): GoResult[] => {
    const r = spawnSync(binary, [], { input: JSON.stringify(input), encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout) as GoResult[];
  };

  let input: {
    vkey: string;
    origin: string;
    checkpoint: string;
    inclusions: { index: number; leaf: string; proof: string[] }[];
    consistency: { checkpoint1: string; checkpoint2: string; proof: string[] }[];
  };

  before(async () => {
    const build = spawnSync('go', ['build', '-o', binary, '.'], {
      cwd: join(repoRoot, 'tests', 'interop', 'go-verifier'),
      encoding: 'utf8',
      timeout: 300_000,
    });
    assert.equal(build.status, 0, `go build failed: ${build.stderr}`);

    const dir = join(tmp.dir, 'data');
    const ledger = await openLedger({
      dataDir: dir,
      origin: 'interop.docket.local/log',
      flushIntervalMs: 5,
    });
    for (let batch = 0; batch < 3; batch++) {
      await Promise.all(
        Array.from({ length: 7 }, (_, i) => ledger.append(fixtureDecision(batch * 7 + i))),
      );
    }
    await ledger.erase('applicant-2', 'interop: proofs must survive erasure');
    const { origin, vkey } = ledger;
    await ledger.close();
    assert.equal((await auditDataDir(dir)).ok, true);

    const store = openSqliteStore(dataDirPaths(dir).db, { readonly: true });
    try {
      const checkpoints: CheckpointRow[] = [];
      for await (const rows of store.scanCheckpoints()) checkpoints.push(...rows);
      const latest = checkpoints.at(-1)!;
      const inclusions = [];
      for await (const entries of store.scanEntries()) {
        for (const e of entries) {
          const proof = await proveInclusion(store, e.index, latest.size);
          inclusions.push({
            index: e.index,
            leaf: Buffer.from(e.leaf).toString('base64'),
            proof: proof.map((h) => h.toString('base64')),
          });
        }
      }
      const consistency = [];
      const nonEmpty = checkpoints.filter((c) => c.size > 0);
      for (let i = 1; i < nonEmpty.length; i++) {
        const [a, b] = [nonEmpty[i - 1]!, nonEmpty[i]!];
        const proof = await proveConsistency(store, a.size, b.size);
        consistency.push({
          checkpoint1: a.note,
          checkpoint2: b.note,
          proof: proof.map((h) => h.toString('base64')),
        });
      }
      input = { vkey, origin, checkpoint: latest.note, inclusions, consistency };
    } finally {
      await store.close();
    }
  });

  test('every checkpoint signature, leaf inclusion and consistency proof verifies in Go', () => {
    assert.ok(input.inclusions.length >= 22, 'decisions and the tombstone');
    assert.ok(input.consistency.length >= 3);
    const results = runGo(input);
    assert.deepEqual(
      results.filter((r) => !r.ok),
      [],
    );
    assert.equal(results.length, 1 + input.inclusions.length + input.consistency.length);
  });

  test('Go rejects a changed leaf, a changed proof, a forged signature and a wrong key', () => {
    const inc = input.inclusions[5]!;
    const leaf = Buffer.from(inc.leaf, 'base64');
    leaf[leaf.length - 3] = leaf[leaf.length - 3]! ^ 1;
    const proof = [...inc.proof];
    proof[0] = Buffer.alloc(32, 7).toString('base64');
    const con = input.consistency[0]!;
    const sigAt = input.checkpoint.lastIndexOf(' ') + 20;
    const forged =
      input.checkpoint.slice(0, sigAt) +
      (input.checkpoint[sigAt] === 'A' ? 'B' : 'A') +
      input.checkpoint.slice(sigAt + 1);
    const changed = runGo({
      ...input,
      inclusions: [
        { ...inc, leaf: leaf.toString('base64') },
        { ...inc, proof },
      ],
      consistency: [{ ...con, proof: con.proof.slice(1) }],
    });
    assert.deepEqual(
      changed.map((r) => [r.kind, r.ok]),
      [
        ['checkpoint', true],
        ['inclusion', false],
        ['inclusion', false],
        ['consistency', false],
      ],
    );
    const bad = runGo({ ...input, checkpoint: forged, inclusions: [], consistency: [] });
    assert.deepEqual(
      bad.map((r) => [r.kind, r.ok]),
      [['checkpoint', false]],
    );
  });
});
