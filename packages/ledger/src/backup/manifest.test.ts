import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DocketError } from '@docket/protocol';
import { BACKUP_FORMAT, toBackupManifest } from './manifest.js';

const file = (path: string, kind = 'file') => ({
  path,
  kind,
  mode: 0o600,
  bytes: 1,
  sha256: 'a'.repeat(64),
});
const manifest = (files: unknown[]) =>
  JSON.stringify({ format: BACKUP_FORMAT, startedAt: '', finishedAt: '', source: '/x', files });
const codeOf = (text: string): string | undefined => {
  try {
    toBackupManifest(text, 'm');
    return undefined;
  } catch (e) {
    return e instanceof DocketError ? e.code : 'NOT_DOCKET';
  }
};

test('a manifest with ledger.db and relative paths is accepted', () => {
  const m = toBackupManifest(manifest([file('ledger.db', 'sqlite'), file('keys/log.key')]), 'm');
  assert.equal(m.files.length, 2);
});

test('paths leaving the directory, repeats, bad hashes and a missing ledger.db are BACKUP_MALFORMED', () => {
  const db = file('ledger.db', 'sqlite');
  for (const bad of [
    manifest([db, file('../../etc/passwd')]),
    manifest([db, file('/etc/passwd')]),
    manifest([db, file('keys/../../x')]),
    manifest([db, file('log.vkey'), file('log.vkey')]),
    manifest([db, { ...file('log.vkey'), sha256: 'zz' }]),
    manifest([db, { ...file('log.vkey'), kind: 'symlink' }]),
    manifest([file('keys/log.key')]),
    JSON.stringify({ format: 'docket.backup/v0', files: [db] }),
    'not json',
  ]) {
    assert.equal(codeOf(bad), 'BACKUP_MALFORMED', bad);
  }
});
