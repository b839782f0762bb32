import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createUuidV7, DocketError, sampleDecision } from '@docket/protocol';
import { readLogKey } from './data-dir.js';
import { openLedger } from './ledger.js';
import { assertTenantName } from './tenant-logs.js';

/** Runs `fn` and returns the DocketError it throws (fails when it throws nothing else). */
async function caught(fn: () => unknown): Promise<DocketError> {
  try {
    await fn();
  } catch (error) {
    assert.ok(error instanceof DocketError, String(error));
    return error;
  }
  assert.fail('expected an error');
}

test("the ledger's errors name no CLI flag, in their message or their where", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'docket-ledger-'));
  t.after(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const ledger = await openLedger({ dataDir: join(dir, 'log'), create: true });
  t.after(async () => {
    await ledger.close();
  });
  const { id } = await ledger.append(sampleDecision({ id: createUuidV7() }));
  const errors = [
    await caught(() => ledger.erase('nobody', 'request #1')),
    await caught(() => ledger.erase('nobody', ' ')),
    await caught(() => ledger.exportBundle(id, ['no-such-field'])),
    await caught(() => readLogKey(join(dir, 'empty'), { environment: false })),
    await caught(() => openLedger({ dataDir: join(dir, 'none'), create: false })),
    await caught(() => openLedger({ dataDir: join(dir, 'bad'), create: true, origin: 'a b' })),
    await caught(() => {
      assertTenantName('Not-A-Tenant');
    }),
  ];
  assert.deepEqual(
    errors.map((e) => e.code),
    [
      'SUBJECT_NOT_FOUND',
      'REASON_REQUIRED',
      'FIELD_UNKNOWN',
      'LOG_KEY_MISSING',
      'LEDGER_NOT_FOUND',
      'ORIGIN_INVALID',
      'TENANT_INVALID',
    ],
  );
  for (const error of errors) {
    assert.doesNotMatch(error.message, /--[a-z]/, `${error.code}: ${error.message}`);
    assert.doesNotMatch(error.where ?? '', /^--/, `${error.code}: ${String(error.where)}`);
  }
});
