/**
 * Issue 19, interop: litewitness (filippo.io/torchwood, an independent C2SP tlog-witness by the
 * spec's authors, built from the Go module proxy by scripts/litewitness.mjs) cosigns Docket
 * checkpoints submitted by Docket's witness client, Docket verifies its cosignatures, and it
 * refuses a rollback, a fork and a re-signed checkpoint with the same status codes as ours.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  addSignatureLines,
  createCosignatureVerifier,
  createNoteSigner,
  findCosignatures,
  generateSignerKey,
  hashLeaf,
  MemoryTree,
  signCheckpoint,
} from '@docket/core';
import type { NoteSigner } from '@docket/core';
import { parseWitnessConfig, submitCheckpoint } from '@docket/server';
import type { WitnessConfig } from '@docket/server';
import { repoRoot } from '../support/vectors.js';

const ORIGIN = 'docket.test/interop-log';
const NAME = 'litewitness.test/w1';
const logKey = generateSignerKey(ORIGIN);
const logSigner = createNoteSigner(logKey.skey);

function litewitnessDir(): string {
  const result = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'litewitness.mjs')], {
    encoding: 'utf8',
    timeout: 15 * 60_000,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  assert.equal(result.status, 0, 'scripts/litewitness.mjs could not build litewitness');
  return result.stdout.trim();
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): string {
  const result = spawnSync(cmd, args, { encoding: 'utf8', env });
  assert.equal(result.status, 0, `${cmd} ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The cosignature/v1 vkey of an ssh-ed25519 public key line: name+id+base64(0x04 ‖ key). */
function vkeyOfSshKey(name: string, pubLine: string): string {
  const blob = Buffer.from(pubLine.split(' ')[1] as string, 'base64');
  const key = blob.subarray(blob.length - 32);
  const typed = Buffer.concat([Buffer.of(0x04), key]);
  const id = createHash('sha256')
    .update(`${name}\n`)
    .update(typed)
    .digest()
    .subarray(0, 4)
    .toString('hex');
  return `${name}+${id}+${typed.toString('base64')}`;
}

function treeOf(size: number, salt = ''): MemoryTree {
  const tree = new MemoryTree();
  for (let i = 0; i < size; i++) tree.append(hashLeaf(Buffer.from(`${salt}leaf ${i}`)));
  return tree;
}

function noteAt(tree: MemoryTree, size: number, signer: NoteSigner = logSigner): string {
  return signCheckpoint({ origin: ORIGIN, size, root: tree.rootAt(size), extensions: [] }, signer);
}

describe('litewitness (filippo.io/torchwood) as the witness of a Docket log', () => {
  const dir = mkdtempSync(join(tmpdir(), 'docket-litewitness-'));
  const children: ChildProcess[] = [];
  let witness: WitnessConfig;
  let url: string;

  before(async () => {
    const bin = litewitnessDir();
    // litewitness signs through an ssh-agent (its key never touches its own process).
    const sock = join(dir, 'agent.sock');
    const agent = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
    children.push(agent);
    run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', '', '-f', join(dir, 'id')]);
    for (let i = 0; i < 100 && spawnSync('test', ['-S', sock]).status !== 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    run('ssh-add', [join(dir, 'id')], { ...process.env, SSH_AUTH_SOCK: sock });
    const fingerprint = run('ssh-keygen', ['-l', '-E', 'sha256', '-f', join(dir, 'id.pub')]).split(
      ' ',
    )[1] as string;
    const db = join(dir, 'litewitness.db');
    run(join(bin, 'witnessctl'), ['add-log', '-db', db, '-origin', ORIGIN]);
    run(join(bin, 'witnessctl'), ['add-key', '-db', db, '-origin', ORIGIN, '-key', logKey.vkey]);
    const port = await freePort();
    const lw = spawn(
      join(bin, 'litewitness'),
      [
        '-name',
        NAME,
        '-key',
        fingerprint,
        '-db',
        db,
        '-ssh-agent',
        sock,
        '-listen',
        `127.0.0.1:${port}`,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    children.push(lw);
    url = `http://127.0.0.1:${port}`;
    const vkey = vkeyOfSshKey(NAME, readFileSync(join(dir, 'id.pub'), 'utf8'));
    witness = parseWitnessConfig(`lw=${url}+${vkey}`);
    for (let i = 0; i < 200; i++) {
      try {
        await fetch(url);
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    assert.fail('litewitness did not start');
  });

  after(() => {
    for (const child of children) child.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  const tree = treeOf(30);

  test('cosigns a first checkpoint and a consistent extension; Docket verifies both', async () => {
    const first = await submitCheckpoint(
      witness,
      { oldSize: 0, proof: [], note: noteAt(tree, 7) },
      10_000,
    );
    assert.ok('line' in first, JSON.stringify(first));
    const cosigned = findCosignatures(addSignatureLines(noteAt(tree, 7), first.line), [
      createCosignatureVerifier(witness.verifier.vkey),
    ]);
    assert.equal(cosigned.length, 1);
    assert.ok(Math.abs(cosigned[0]!.timestamp - Date.now() / 1000) < 3600);
    const next = await submitCheckpoint(
      witness,
      { oldSize: 7, proof: tree.consistencyProof(7, 20), note: noteAt(tree, 20) },
      10_000,
    );
    assert.ok('line' in next);
    // Its cosignature does not verify over another checkpoint.
    assert.equal(
      findCosignatures(addSignatureLines(noteAt(tree, 21), next.line), [witness.verifier]).length,
      0,
    );
  });

  test('answers a rollback with 409 and its size, as our witness does', async () => {
    const outcome = await submitCheckpoint(
      witness,
      { oldSize: 7, proof: tree.consistencyProof(7, 10), note: noteAt(tree, 10) },
      10_000,
    );
    assert.deepEqual(outcome, { knownSize: 20 });
  });

  test('refuses a fork (422) and a checkpoint re-signed with another key (403)', async () => {
    const fork = treeOf(30, 'fork ');
    await assert.rejects(
      submitCheckpoint(
        witness,
        { oldSize: 20, proof: fork.consistencyProof(20, 25), note: noteAt(fork, 25) },
        10_000,
      ),
      (e: unknown) => (e as { code?: string }).code === 'WITNESS_PROOF_INVALID',
    );
    const forger = createNoteSigner(generateSignerKey(ORIGIN).skey);
    await assert.rejects(
      submitCheckpoint(
        witness,
        { oldSize: 20, proof: tree.consistencyProof(20, 25), note: noteAt(tree, 25, forger) },
        10_000,
      ),
      (e: unknown) => (e as { code?: string }).code === 'WITNESS_LOG_SIGNATURE_INVALID',
    );
  });
});
