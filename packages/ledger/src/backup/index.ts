/** Backup and restore of an embedded data directory (issue 18). */
export { backupDataDir, restoreDataDir } from './backup.js';
export type { BackupOptions } from './backup.js';
export { BACKUP_FORMAT, toBackupManifest } from './manifest.js';
export type { BackupFile, BackupManifest } from './manifest.js';
