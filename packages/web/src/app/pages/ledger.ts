/**
 * The ledger: origin, size and verifier key of the tenant's decision and access logs, their latest
 * checkpoints verified in this browser, and consistency proofs from every checkpoint this browser
 * verified before to the latest one — so a log that rewrote its history is caught by any auditor
 * who looked at it earlier.
 */
import { get } from '../api.js';
import type { LogInfo, LogView } from '../api.js';
import { h, replace } from '../dom.js';
import { formatAgo, formatCount, formatTime, shorten } from '../format.js';
import type { PageContext } from '../page.js';
import { code, errorBox, facts, notice } from '../ui.js';
import { ed25519, rememberCheckpoint, seenCheckpoints } from '../verifier.js';
import { fromBase64, toBase64 } from '../../verify/bytes.js';
import { toIssue } from '../../verify/errors.js';
import { verifyConsistency } from '../../verify/merkle.js';
import { openCheckpoint } from '../../verify/note.js';
import type { Checkpoint } from '../../verify/note.js';

async function logCard(
  title: string,
  id: string,
  view: LogView,
): Promise<{ card: HTMLElement; checkpoint: Checkpoint | undefined }> {
  const ed = await ed25519();
  let checkpoint: Checkpoint | undefined;
  let status: HTMLElement;
  try {
    checkpoint = (await openCheckpoint(view.checkpoint, view.vkey, ed, view.origin)).checkpoint;
    status = h(
      'p',
      { class: 'verdict ok' },
      h('strong', {}, '✓ Signed. '),
      `The latest checkpoint (${formatCount(checkpoint.size)} entries) is signed by the log's key; checked in this browser.`,
    );
  } catch (error) {
    const issue = toIssue(error, 'CHECKPOINT_SIGNATURE_INVALID');
    status = h(
      'p',
      { class: 'verdict fail', role: 'alert' },
      h('strong', {}, '✗ Not verified. '),
      `${issue.code}: ${issue.message}`,
    );
  }
  const card = h(
    'section',
    { class: 'card', 'aria-labelledby': id },
    h('h2', { id }, title),
    status,
    facts([
      ['Origin', code(view.origin)],
      ['Entries', formatCount(view.size)],
      ['Root', checkpoint === undefined ? undefined : code(toBase64(checkpoint.root))],
      ['Verifier key', code(view.vkey)],
    ]),
    h(
      'details',
      {},
      h('summary', {}, 'Signed checkpoint (C2SP signed note)'),
      h('pre', { class: 'note' }, view.checkpoint),
    ),
  );
  return { card, checkpoint };
}

/**
 * Renders the ledger page.
 *
 * @example
 * await ledgerPage(ctx);
 */
export async function ledgerPage(ctx: PageContext): Promise<void> {
  const { main, session } = ctx;
  document.title = 'Ledger · Docket';
  replace(main, h('h1', { tabindex: '-1' }, 'Ledger'), h('p', { class: 'muted' }, 'Loading…'));
  let log: LogInfo;
  try {
    log = await get<LogInfo>(session, '/v1/log');
  } catch (error) {
    if (ctx.alive()) replace(main, h('h1', { tabindex: '-1' }, 'Ledger'), errorBox(error, session));
    return;
  }
  const decisions = await logCard('Decision log', 'log-decisions', log);
  const access = await logCard('Access log', 'log-access', log.access);
  if (!ctx.alive()) return;

  // Consistency from every checkpoint this browser verified before (RFC 9162 §2.1.4.2).
  const latest = decisions.checkpoint;
  const seen = seenCheckpoints(log.origin, log.vkey).filter(
    (s) => latest === undefined || s.size <= latest.size,
  );
  const rows: HTMLElement[] = [];
  let failures = 0;
  for (const s of seen) {
    let result: HTMLElement;
    const root = fromBase64(s.root);
    if (latest === undefined || root === undefined) {
      result = h('span', { class: 'muted' }, '– not checked');
    } else {
      try {
        const hashes =
          s.size === latest.size
            ? []
            : (
                await get<{ hashes: string[] }>(
                  session,
                  `/v1/proofs/consistency?from=${s.size}&to=${latest.size}`,
                )
              ).hashes;
        await verifyConsistency(
          s.size,
          latest.size,
          hashes.map((x) => fromBase64(x) ?? new Uint8Array()),
          root,
          latest.root,
        );
        result = h(
          'span',
          { class: 'pass' },
          s.size === latest.size
            ? '✓ same tree'
            : `✓ consistent (${formatCount(hashes.length)} proof hashes)`,
        );
      } catch (error) {
        failures++;
        const issue = toIssue(error, 'CONSISTENCY_PROOF_INVALID');
        result = h('span', { class: 'fail' }, `✗ ${issue.code}: ${issue.message}`);
      }
    }
    rows.push(
      h(
        'tr',
        {},
        h('td', { 'data-label': 'Size', class: 'num' }, formatCount(s.size)),
        h('td', { 'data-label': 'Root' }, h('code', { title: s.root }, shorten(s.root, 12, 6))),
        h(
          'td',
          { 'data-label': 'First verified' },
          h('time', { datetime: s.seenAt, title: formatAgo(s.seenAt) }, formatTime(s.seenAt)),
        ),
        h('td', { 'data-label': 'Latest extends it' }, result),
      ),
    );
  }
  if (!ctx.alive()) return;
  if (latest !== undefined) {
    rememberCheckpoint(log.origin, log.vkey, {
      size: latest.size,
      root: toBase64(latest.root),
      note: log.checkpoint,
      seenAt: new Date().toISOString(),
    });
  }
  const history = h(
    'section',
    { class: 'card', 'aria-labelledby': 'history-heading' },
    h('h2', { id: 'history-heading' }, 'Checkpoints this browser verified'),
    h(
      'p',
      { class: 'muted small' },
      'The server publishes only its latest checkpoint. This browser keeps each one it verified and proves that the latest extends it without changing any earlier entry (RFC 9162 consistency proofs, checked here).',
    ),
    rows.length === 0
      ? notice(
          'info',
          'None yet',
          'This is the first checkpoint this browser has seen for this log. Come back after new decisions are recorded and this page will prove the log only grew.',
        )
      : [
          failures > 0
            ? h(
                'p',
                { class: 'verdict fail', role: 'alert' },
                h('strong', {}, '✗ The log is not consistent with what you saw before. '),
                'An earlier entry was changed or removed: keep the checkpoints below as evidence.',
              )
            : h(
                'p',
                { class: 'verdict ok' },
                h('strong', {}, '✓ Consistent. '),
                rows.length === 1
                  ? 'The latest checkpoint extends the one seen before.'
                  : `The latest checkpoint extends all ${formatCount(rows.length)} checkpoints seen before.`,
              ),
          h(
            'div',
            { class: 'table-wrap' },
            h(
              'table',
              {},
              h(
                'thead',
                {},
                h(
                  'tr',
                  {},
                  ['Size', 'Root', 'First verified', 'Latest extends it'].map((t) =>
                    h('th', { scope: 'col' }, t),
                  ),
                ),
              ),
              h('tbody', {}, rows),
            ),
          ),
        ],
    h('p', {}, h('a', { href: '/ui/ledger', class: 'button' }, 'Check again')),
  );
  replace(
    main,
    h('h1', { tabindex: '-1' }, 'Ledger'),
    h(
      'p',
      { class: 'lead' },
      `Tenant ${log.tenant}. Every decision and every read of one is an entry in a signed, append-only Merkle log.`,
    ),
    h('div', { class: 'two' }, decisions.card, access.card),
    history,
  );
}
