import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { LedgerError } from './errors.js';

/** The tenant every data directory has; its logs are the data directory itself. */
export const DEFAULT_TENANT = 'default';

/** Tenant names: lower-case letters, digits and `_`, so they can name a PostgreSQL schema. */
const TENANT_NAME = /^[a-z][a-z0-9_]{0,30}$/;

/** Where one log of one tenant lives: its data directory and its PostgreSQL schema. */
export interface LogLocation {
  readonly tenant: string;
  /** `decisions`: the tenant's decision log; `access`: who read, exported or erased what. */
  readonly kind: 'decisions' | 'access';
  readonly dataDir: string;
  readonly pgSchema: string;
}

/**
 * Throws `TENANT_INVALID` unless `name` is a valid tenant name.
 *
 * @example
 * assertTenantName('acme'); // ok
 */
export function assertTenantName(name: string, where = 'tenant'): void {
  if (!TENANT_NAME.test(name)) {
    throw new LedgerError(
      'TENANT_INVALID',
      `tenant "${name}" must be 1–31 lower-case letters, digits or _, starting with a letter`,
      { where },
    );
  }
  // Tenant "access"'s decision log would be named ORIGIN/access, as the default tenant's access
  // log is: two logs, two keys, one name, which a witness would read as a split view.
  if (RESERVED.has(name)) {
    throw new LedgerError('TENANT_INVALID', `tenant "${name}" is reserved`, { where });
  }
}

const RESERVED = new Set(['access', 'tenants']);

/**
 * The origin (log name) of a tenant's log, derived from the default decision log's origin:
 * `ORIGIN` and `ORIGIN/access` for the default tenant, `ORIGIN/T` and `ORIGIN/T/access` for T.
 *
 * @example
 * tenantOrigin('docket.example/prod', 'acme', 'access'); // 'docket.example/prod/acme/access'
 */
export function tenantOrigin(
  rootOrigin: string,
  tenant: string,
  kind: LogLocation['kind'],
): string {
  const base = tenant === DEFAULT_TENANT ? rootOrigin : `${rootOrigin}/${tenant}`;
  return kind === 'access' ? `${base}/access` : base;
}

/**
 * The two logs of a tenant. Each tenant has its own logs (own tree, checkpoints and counts), so
 * no tenant's proof or checkpoint reveals anything of another's. Layout under the root data
 * directory `root`:
 *
 * | tenant    | decisions                   | access                            |
 * |-----------|-----------------------------|-----------------------------------|
 * | `default` | `root` (schema `docket`)    | `root/access` (`docket_access`)   |
 * | `t`       | `root/tenants/t` (`docket_t_t`) | `root/tenants/t/access` (`docket_t_t_access`) |
 *
 * @example
 * const { decisions, access } = tenantLogs('.docket', 'acme');
 */
export function tenantLogs(
  root: string,
  tenant: string,
): { decisions: LogLocation; access: LogLocation } {
  assertTenantName(tenant);
  const dir = tenant === DEFAULT_TENANT ? root : join(root, 'tenants', tenant);
  const schema = tenant === DEFAULT_TENANT ? 'docket' : `docket_t_${tenant}`;
  return {
    decisions: { tenant, kind: 'decisions', dataDir: dir, pgSchema: schema },
    access: { tenant, kind: 'access', dataDir: join(dir, 'access'), pgSchema: `${schema}_access` },
  };
}

/**
 * Every log found under a root data directory (the default tenant's, then each tenant's in name
 * order; access logs only where they were created), for `docket verify`.
 *
 * @example
 * for (const log of listTenantLogs('.docket')) await auditDataDir(log.dataDir, { pgSchema: log.pgSchema });
 */
export function listTenantLogs(root: string): LogLocation[] {
  const tenantsDir = join(root, 'tenants');
  const names = existsSync(tenantsDir)
    ? readdirSync(tenantsDir, { withFileTypes: true })
        .filter((d) => d.isDirectory() && TENANT_NAME.test(d.name))
        .map((d) => d.name)
        .sort()
    : [];
  const out: LogLocation[] = [];
  for (const tenant of [DEFAULT_TENANT, ...names.filter((n) => n !== DEFAULT_TENANT)]) {
    const { decisions, access } = tenantLogs(root, tenant);
    if (tenant === DEFAULT_TENANT || existsSync(decisions.dataDir)) out.push(decisions);
    if (existsSync(access.dataDir)) out.push(access);
  }
  return out;
}
