/**
 * Two verifiers, one answer (docs/decisions/0006-two-verifiers.md): `@docket/core` (node:crypto)
 * and the browser's `@docket/web` verifier (WebCrypto) run on the same inputs — the independent
 * vectors in ../shared/vectors and random logs made with fast-check — and must agree on what is
 * valid and on what is not: a flipped byte of a proof, a root, a leaf hash or a signature is
 * refused by both.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, test } from 'node:test';
import * as core from '@docket/core';
import { canonicalBytes as protocolCanonicalBytes } from '@docket/protocol';
import * as web from '@docket/web';
import fc from 'fast-check';
import {
  listVectorFiles,
  readVectorJson,
  vectorsAvailable,
  vectorsDir,
} from '../support/vectors.js';

const options = vectorsAvailable();
const available = options.skip === undefined;
const b64 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'base64'));
/**
 * Plain RFC 8785, as the browser verifier implements it: Docket's writing profile also refuses
 * integers beyond ±(2^53−1) (`UNSAFE_INTEGER`), which the verifier has no reason to (see 0006).
 */
const RFC8785 = { allowUnsafeIntegers: true } as const;
const ed = await web.createEd25519Verifier({ loadNoble: () => import('@noble/ed25519') });

/** 'ok' or 'error' for a synchronous check that throws. */
function coreOutcome(fn: () => unknown): 'ok' | 'error' {
  try {
    fn();
    return 'ok';
  } catch {
    return 'error';
  }
}

/** 'ok' or 'error' for an asynchronous check that rejects. */
async function webOutcome(fn: () => Promise<unknown>): Promise<'ok' | 'error'> {
  try {
    await fn();
    return 'ok';
  } catch {
    return 'error';
  }
}

/** A copy of `bytes` with one bit of one byte flipped. */
function flip(bytes: Uint8Array, at: number): Uint8Array {
  const out = new Uint8Array(bytes);
  out[at % out.length]! ^= 0x01;
  return out;
}

describe('core and web verifiers agree on the independent vectors', options, () => {
  test('RFC 6962 inclusion and consistency probes (transparency-dev)', async () => {
    const inclusion = available ? listVectorFiles('rfc6962-merkle/inclusion') : [];
    const consistency = available ? listVectorFiles('rfc6962-merkle/consistency') : [];
    assert.equal(inclusion.length + consistency.length, 196);
    let refused = 0;
    for (const path of inclusion) {
      const p = readVectorJson<{
        leafIdx: number;
        treeSize: number;
        root: string;
        leafHash: string;
        proof: string[] | null;
      }>(path);
      const proof = (p.proof ?? []).map(b64);
      const c = coreOutcome(() => {
        core.verifyInclusion(p.leafIdx, p.treeSize, b64(p.leafHash), proof, b64(p.root));
      });
      const w = await webOutcome(() =>
        web.verifyInclusion(p.leafIdx, p.treeSize, b64(p.leafHash), proof, b64(p.root)),
      );
      assert.equal(w, c, path);
      if (c === 'error') refused++;
    }
    for (const path of consistency) {
      const p = readVectorJson<{
        size1: number;
        size2: number;
        root1: string;
        root2: string;
        proof: string[] | null;
      }>(path);
      const proof = (p.proof ?? []).map(b64);
      const c = coreOutcome(() => {
        core.verifyConsistency(p.size1, p.size2, proof, b64(p.root1), b64(p.root2));
      });
      const w = await webOutcome(() =>
        web.verifyConsistency(p.size1, p.size2, proof, b64(p.root1), b64(p.root2)),
      );
      assert.equal(w, c, path);
      if (c === 'error') refused++;
    }
    // Both valid and invalid probes were compared.
    assert.ok(refused > 0 && refused < 196, `${refused} of 196 refused`);
  });

  test('RFC 8785 files canonicalize to the same bytes', () => {
    const inputs = available ? listVectorFiles('jcs-rfc8785/input') : [];
    assert.equal(inputs.length, 6);
    for (const input of inputs) {
      const value: unknown = JSON.parse(readFileSync(join(vectorsDir(), input), 'utf8'));
      assert.deepEqual(
        web.canonicalBytes(value),
        new Uint8Array(protocolCanonicalBytes(value, RFC8785)),
        basename(input),
      );
    }
  });
});

/** A random log: its leaves, the tree over them, and two sizes m <= n and an index i < m. */
const logArb = fc
  .array(fc.uint8Array({ minLength: 0, maxLength: 40 }), { minLength: 1, maxLength: 70 })
  .chain((leaves) =>
    fc.integer({ min: 1, max: leaves.length }).chain((m) =>
      fc.record({
        leaves: fc.constant(leaves),
        m: fc.constant(m),
        i: fc.integer({ min: 0, max: m - 1 }),
        at: fc.nat(),
      }),
    ),
  );

describe('core and web verifiers agree on random logs', () => {
  test('leaf hashes, inclusion and consistency proofs; a flipped byte is refused by both', async () => {
    await fc.assert(
      fc.asyncProperty(logArb, async ({ leaves, m, i, at }) => {
        const tree = new core.MemoryTree();
        for (const leaf of leaves) {
          const h = core.hashLeaf(leaf);
          assert.deepEqual(await web.hashLeaf(leaf), new Uint8Array(h));
          tree.append(h);
        }
        const n = tree.size;
        const leafHash = core.hashLeaf(leaves[i]!);
        const rootM = tree.rootAt(m);
        const rootN = tree.root();

        const incl = core.inclusionProof(i, m, tree);
        const inclusionAgrees = async (
          proof: readonly Uint8Array[],
          root: Uint8Array,
          leaf: Uint8Array,
        ): Promise<'ok' | 'error'> => {
          const c = coreOutcome(() => {
            core.verifyInclusion(i, m, leaf, proof, root);
          });
          const w = await webOutcome(() => web.verifyInclusion(i, m, leaf, proof, root));
          assert.equal(w, c, `inclusion of ${i} in ${m}`);
          return c;
        };
        assert.equal(await inclusionAgrees(incl, rootM, leafHash), 'ok');
        assert.equal(await inclusionAgrees(incl, flip(rootM, at), leafHash), 'error');
        assert.equal(await inclusionAgrees(incl, rootM, flip(leafHash, at)), 'error');
        if (incl.length > 0) {
          const k = at % incl.length;
          const bad = incl.map((h, j) => (j === k ? flip(h, at) : h));
          assert.equal(await inclusionAgrees(bad, rootM, leafHash), 'error');
        }

        const cons = core.consistencyProof(m, n, tree);
        const consistencyAgrees = async (
          proof: readonly Uint8Array[],
          root1: Uint8Array,
          root2: Uint8Array,
        ): Promise<'ok' | 'error'> => {
          const c = coreOutcome(() => {
            core.verifyConsistency(m, n, proof, root1, root2);
          });
          const w = await webOutcome(() => web.verifyConsistency(m, n, proof, root1, root2));
          assert.equal(w, c, `consistency ${m} -> ${n}`);
          return c;
        };
        assert.equal(await consistencyAgrees(cons, rootM, rootN), 'ok');
        assert.equal(await consistencyAgrees(cons, rootM, flip(rootN, at)), 'error');
        if (m < n) assert.equal(await consistencyAgrees(cons, flip(rootM, at), rootN), 'error');
        if (cons.length > 0) {
          const k = at % cons.length;
          const bad = cons.map((h, j) => (j === k ? flip(h, at) : h));
          assert.equal(await consistencyAgrees(bad, rootM, rootN), 'error');
        }
      }),
      { numRuns: 150 },
    );
  });

  test('signed checkpoints: both open the same notes and refuse the same forgeries', async () => {
    const origin = 'example.test/differential';
    const { skey, vkey } = core.generateSignerKey(origin);
    const signer = core.createNoteSigner(skey);
    const verifier = core.createNoteVerifier(vkey);
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: 2 ** 40 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.nat(),
        async (size, root, at) => {
          const note = core.signCheckpoint({ origin, size, root, extensions: [] }, signer);
          const opened = core.openCheckpoint(note, verifier).checkpoint;
          const seen = (await web.openCheckpoint(note, vkey, ed, origin)).checkpoint;
          assert.deepEqual(
            { ...seen, root: new Uint8Array(seen.root) },
            { ...opened, root: new Uint8Array(opened.root) },
          );
          // A flipped bit of the signature, then of the body (the size line's last digit).
          const [body, sig] = note.split('\n\n') as [string, string];
          const [prefix, encoded] = [
            sig.slice(0, sig.lastIndexOf(' ') + 1),
            sig.slice(sig.lastIndexOf(' ') + 1).trim(),
          ];
          const raw = flip(b64(encoded), 4 + (at % 64));
          const forged = [
            `${body}\n\n${prefix}${Buffer.from(raw).toString('base64')}\n`,
            `${origin}\n${size + 1}\n${body.split('\n')[2]}\n\n${sig}`,
          ];
          for (const bad of forged) {
            assert.equal(
              coreOutcome(() => core.openCheckpoint(bad, verifier)),
              'error',
            );
            assert.equal(
              await webOutcome(() => web.openCheckpoint(bad, vkey, ed, origin)),
              'error',
            );
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  test('canonical JSON: the same bytes, or both refuse', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        let c: Uint8Array | 'error';
        let w: Uint8Array | 'error';
        try {
          c = new Uint8Array(protocolCanonicalBytes(value, RFC8785));
        } catch {
          c = 'error';
        }
        try {
          w = web.canonicalBytes(value);
        } catch {
          w = 'error';
        }
        assert.deepEqual(w, c);
      }),
      { numRuns: 500 },
    );
  });
});
