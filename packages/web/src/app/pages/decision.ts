/**
 * One decision: what it was for, what the agent saw, weighed and chose, with which tools, models,
 * prompt and policy, what happened after — and a panel that verifies, in this browser, that the
 * record is the one the log signed.
 */
import { ApiError, get } from '../api.js';
import type { DecisionView, EntryView, LogInfo } from '../api.js';
import { h, replace } from '../dom.js';
import type { Child } from '../dom.js';
import {
  formatAgo,
  formatCount,
  formatDuration,
  formatNumber,
  formatPercent,
  formatTime,
  shorten,
} from '../format.js';
import { outcomeWithFinal } from '../outcome.js';
import type { DecisionSummary, FinalOutcome } from '@docket/protocol/wire';
import type { PageContext } from '../page.js';
import { canSeeContent } from '../session.js';
import type { Session } from '../session.js';
import { badge, code, errorBox, facts, jsonTree, notice, redactedText } from '../ui.js';
import { ed25519, rememberCheckpoint } from '../verifier.js';
import { toBase64 } from '../../verify/bytes.js';
import { checkDecision } from '../../verify/decision.js';
import type { BundleInput, CheckStep, DecisionCheck } from '../../verify/decision.js';

type Rec = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
const rec = (v: unknown): Rec | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Rec) : undefined;
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? (v as unknown[]) : []);

function section(id: string, title: string, ...body: Child[]): HTMLElement {
  return h('section', { class: 'card', 'aria-labelledby': id }, h('h2', { id }, title), ...body);
}

/** A bar for a score; its width is set through CSSOM (the page's CSP forbids style attributes). */
function scoreBar(fraction: number): HTMLElement {
  const fill = h('span', {});
  fill.style.width = `${Math.round(fraction * 100)}%`;
  return h('span', { class: 'bar', 'aria-hidden': 'true' }, fill);
}

function outcomeSection(c: Rec): HTMLElement {
  const outcome = rec(c['outcome']) ?? {};
  const action = str(outcome['action']) ?? '?';
  const confidence = num(c['confidence']);
  const alternatives = arr(c['alternatives']).map((a) => rec(a) ?? {});
  const max = Math.max(1e-9, ...alternatives.map((a) => Math.abs(num(a['score']) ?? 0)));
  return section(
    'sec-outcome',
    'Outcome and alternatives',
    h(
      'div',
      { class: 'outcome' },
      h('div', {}, h('div', { class: 'muted small' }, 'Chosen'), badge(action, 'action big')),
      confidence === undefined
        ? null
        : h(
            'div',
            {},
            h('div', { class: 'muted small' }, 'Confidence'),
            h('meter', {
              min: '0',
              max: '1',
              value: String(confidence),
              'aria-label': 'Confidence',
            }),
            h('strong', {}, ` ${formatPercent(confidence)}`),
          ),
      str(outcome['target']) === undefined
        ? null
        : h('div', {}, h('div', { class: 'muted small' }, 'Target'), code(str(outcome['target'])!)),
    ),
    outcome['value'] === undefined
      ? null
      : h('div', {}, h('h3', {}, 'Value'), jsonTree(outcome['value'], { open: 2 })),
    alternatives.length === 0
      ? h('p', { class: 'muted' }, 'The agent recorded no alternatives.')
      : h(
          'div',
          { class: 'table-wrap' },
          h(
            'table',
            { class: 'alternatives' },
            h('caption', { class: 'visually-hidden' }, 'Alternatives considered'),
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                h('th', { scope: 'col' }, 'Option'),
                h('th', { scope: 'col' }, 'Score'),
                h('th', { scope: 'col' }, 'Reason'),
              ),
            ),
            h(
              'tbody',
              {},
              alternatives.map((a) => {
                const chosen = str(a['action']) === action;
                const score = num(a['score']);
                return h(
                  'tr',
                  { class: chosen ? 'chosen' : '' },
                  h(
                    'td',
                    { 'data-label': 'Option' },
                    badge(str(a['action']) ?? '?', 'action'),
                    chosen ? h('span', { class: 'chosen-mark' }, ' ✓ chosen') : null,
                  ),
                  h(
                    'td',
                    { 'data-label': 'Score', class: 'num' },
                    score === undefined
                      ? '—'
                      : [scoreBar(Math.abs(score) / max), formatNumber(score)],
                  ),
                  h('td', { 'data-label': 'Reason' }, redactedText(str(a['reason']) ?? '')),
                );
              }),
            ),
          ),
        ),
  );
}

function reasoningSection(c: Rec): HTMLElement | null {
  const reasoning = c['reasoning'];
  if (reasoning === undefined) return null;
  if (typeof reasoning === 'string')
    return section(
      'sec-reasoning',
      'Reasoning',
      h('p', { class: 'prose' }, redactedText(reasoning)),
    );
  return section(
    'sec-reasoning',
    'Reasoning chain',
    h(
      'ol',
      { class: 'steps' },
      arr(reasoning).map((step) => {
        if (typeof step === 'string') return h('li', {}, redactedText(step));
        const s = rec(step) ?? {};
        return h(
          'li',
          {},
          str(s['kind']) === undefined ? null : badge(str(s['kind'])!, 'kind'),
          ' ',
          redactedText(str(s['text']) ?? ''),
          s['data'] === undefined ? null : jsonTree(s['data'], { open: 0 }),
        );
      }),
    ),
  );
}

function callsSection(c: Rec): HTMLElement | null {
  const tools = arr(c['tools']).map((t) => rec(t) ?? {});
  const llm = arr(c['llm']).map((t) => rec(t) ?? {});
  if (tools.length === 0 && llm.length === 0) return null;
  return section(
    'sec-calls',
    'Tool and model calls',
    tools.length === 0 ? null : h('h3', {}, `Tools (${formatCount(tools.length)})`),
    tools.map((t) =>
      h(
        'details',
        { class: 'call' },
        h(
          'summary',
          {},
          h('strong', {}, str(t['name']) ?? 'tool'),
          num(t['duration']) === undefined
            ? null
            : h('span', { class: 'muted' }, ` · ${formatDuration(num(t['duration'])!)}`),
          str(t['error']) === undefined ? null : badge('failed', 'fail'),
        ),
        t['args'] === undefined
          ? null
          : [h('h4', {}, 'Arguments'), jsonTree(t['args'], { open: 2 })],
        t['result'] === undefined
          ? null
          : [h('h4', {}, 'Result'), jsonTree(t['result'], { open: 2 })],
        str(t['error']) === undefined
          ? null
          : [h('h4', {}, 'Error'), h('p', {}, redactedText(str(t['error'])!))],
      ),
    ),
    llm.length === 0 ? null : h('h3', {}, `Model calls (${formatCount(llm.length)})`),
    llm.map((m, i) => {
      const request = rec(m['request']) ?? {};
      const usage = rec(m['usage']);
      const tokens =
        usage === undefined
          ? undefined
          : Object.entries(usage).filter(([, v]) => typeof v === 'number');
      return h(
        'details',
        { class: 'call' },
        h(
          'summary',
          {},
          h('strong', {}, str(request['model']) ?? `call ${i + 1}`),
          tokens === undefined || tokens.length === 0
            ? null
            : h(
                'span',
                { class: 'muted' },
                ` · ${tokens.map(([k, v]) => `${formatCount(v as number)} ${k.replace(/_/g, ' ')}`).join(', ')}`,
              ),
        ),
        h('h4', {}, 'Request'),
        jsonTree(m['request'], { open: 3 }),
        m['response'] === undefined
          ? null
          : [h('h4', {}, 'Response'), jsonTree(m['response'], { open: 3 })],
        usage === undefined ? null : [h('h4', {}, 'Usage'), jsonTree(usage, { open: 1 })],
      );
    }),
  );
}

function versionsSection(c: Rec): HTMLElement {
  const agent = rec(c['agent']) ?? {};
  const model = rec(c['model']);
  const prompt = rec(c['prompt']);
  const policy = rec(c['policy']);
  const rules = arr(policy?.['rules_evaluated']).map(String);
  return section(
    'sec-versions',
    'Versions',
    facts([
      ['Agent', `${str(agent['id']) ?? '?'} ${str(agent['version']) ?? ''}`],
      [
        'Model',
        model === undefined
          ? undefined
          : [str(model['provider']), str(model['name'])].filter(Boolean).join(' · '),
      ],
      ['Model version', str(model?.['version'])],
      [
        'Prompt',
        prompt === undefined
          ? undefined
          : `${str(prompt['id']) ?? '?'} ${str(prompt['version']) ?? ''}`,
      ],
      [
        'Prompt hash',
        str(prompt?.['hash']) === undefined ? undefined : code(str(prompt!['hash'])!),
      ],
      [
        'Policy',
        policy === undefined
          ? undefined
          : `${str(policy['id']) ?? '?'} ${str(policy['version']) ?? ''}`,
      ],
      [
        'Rules evaluated',
        rules.length === 0
          ? undefined
          : h(
              'ul',
              { class: 'inline-list' },
              rules.map((r) => h('li', {}, code(r))),
            ),
      ],
    ]),
    rec(model?.['params']) === undefined
      ? null
      : [h('h3', {}, 'Model parameters'), jsonTree(model!['params'], { open: 1 })],
  );
}

function runSection(c: Rec): HTMLElement | null {
  const corr = rec(c['correlation']);
  const human = rec(c['human']);
  if (corr === undefined && human === undefined) return null;
  const orch = rec(corr?.['orchestrator']);
  const runId = str(orch?.['runId']);
  const parent = str(corr?.['parentDecisionId']);
  return section(
    'sec-run',
    'Run, trace and people',
    facts([
      ['Orchestrator', str(orch?.['kind'])],
      [
        'Run id',
        runId === undefined
          ? undefined
          : h(
              'a',
              {
                href: `/ui/decisions?runId=${encodeURIComponent(runId)}`,
                title: 'Every decision of this run',
              },
              runId,
            ),
      ],
      ['Job', str(orch?.['job'])],
      ['Step', str(orch?.['step'])],
      ['Partition', str(orch?.['partition'])],
      [
        'Attempt',
        num(orch?.['attempt']) === undefined ? undefined : formatCount(num(orch!['attempt'])!),
      ],
      ['Asset', str(orch?.['assetKey'])],
      ['Trace id', str(corr?.['traceId']) === undefined ? undefined : code(str(corr!['traceId'])!)],
      ['Span id', str(corr?.['spanId']) === undefined ? undefined : code(str(corr!['spanId'])!)],
      ['Session', str(corr?.['sessionId'])],
      [
        'Follows decision',
        parent === undefined
          ? undefined
          : h('a', { href: `/ui/decisions/${encodeURIComponent(parent)}` }, parent),
      ],
      [
        'Human',
        human === undefined
          ? undefined
          : `${str(human['actor']) ?? '?'} ${str(human['action']) ?? ''}`,
      ],
      [
        'Human’s reason',
        human === undefined ? undefined : redactedText(str(human['reason']) ?? ''),
      ],
    ]),
  );
}

const EVENT_LABEL: Readonly<Record<string, string>> = {
  effect: 'Downstream effect',
  override: 'Human override',
  outcome: 'Outcome updated',
};

function eventsSection(view: DecisionView): HTMLElement {
  return section(
    'sec-events',
    'What happened next',
    view.events.length === 0
      ? h(
          'p',
          { class: 'muted' },
          'No effect, override or outcome update has been recorded for this decision.',
        )
      : h(
          'ol',
          { class: 'events' },
          view.events.map((e: EntryView) => {
            const c = e.content ?? {};
            const kind = str(c['kind']) ?? (e.type === 'docket.event/v1' ? 'Linked event' : e.type);
            const outcome = rec(c['outcome']);
            return h(
              'li',
              {},
              h(
                'div',
                { class: 'event-head' },
                badge(EVENT_LABEL[kind] ?? kind, `event event-${kind}`),
                h('time', { datetime: e.ts, title: formatTime(e.ts) }, ` ${formatTime(e.ts)}`),
                h('span', { class: 'muted' }, ` · entry #${formatCount(e.index)}`),
              ),
              e.withheld ? h('p', { class: 'muted' }, 'Details withheld from this key.') : null,
              e.erased ? h('p', { class: 'muted' }, 'Details erased with the subject.') : null,
              str(c['actor']) === undefined
                ? null
                : h(
                    'p',
                    {},
                    h('strong', {}, str(c['actor'])),
                    str(c['reason']) === undefined ? null : [': ', redactedText(str(c['reason'])!)],
                  ),
              str(c['actor']) === undefined && str(c['reason']) !== undefined
                ? h('p', {}, redactedText(str(c['reason'])!))
                : null,
              outcome === undefined
                ? null
                : h('p', {}, 'New outcome: ', badge(str(outcome['action']) ?? '?', 'action')),
              c['effect'] === undefined ? null : jsonTree(c['effect'], { open: 1 }),
            );
          }),
        ),
  );
}

/**
 * What an erasure took away and what it left. The field names come from the leaf's commitments
 * (the evidence bundle), filled in by {@link showErasedFields} once the bundle is read.
 */
function erasureNotice(view: DecisionView): HTMLElement {
  const box = h(
    'section',
    { class: 'notice warn', id: 'erasure', 'aria-labelledby': 'erasure-heading' },
    h('h2', { id: 'erasure-heading' }, 'Subject erased: the content of this decision is gone'),
    h(
      'p',
      {},
      'The subject of this decision was erased on request (GDPR Art. 17, right to erasure): its data key was destroyed, so what the agent saw, weighed and chose can no longer be decrypted by anyone, this server included. ',
      view.events.length === 0
        ? null
        : 'The details of the events linked to it were encrypted under the same key and are gone too.',
    ),
    view.erasure === undefined || view.erasure === null
      ? null
      : h(
          'p',
          { 'data-erasure': view.erasure.id },
          `Erased ${formatTime(view.erasure.ts)} — tombstone, entry #${formatCount(view.erasure.index)} of the log`,
          view.erasure.reason === undefined ? '' : `; reason given: “${view.erasure.reason}”`,
          '.',
        ),
    h(
      'p',
      { 'data-fields': 'pending' },
      'Erased fields: ',
      h('span', { class: 'muted' }, 'read from the leaf…'),
    ),
    h(
      'p',
      {},
      'What remains: the log entry and its time, the subject’s pseudonym (not the id) and the leaf’s salted commitments, so the proof below still shows that this entry was recorded and never changed. The erasure itself is recorded as a tombstone entry in the log (with the reason given) and in the ',
      h('a', { href: '/ui/access' }, 'access log'),
      ' (which key erased this pseudonym, and when).',
    ),
  );
  return box;
}

/** What a retention purge took away and what it left (issue 18). */
function purgeNotice(): HTMLElement {
  const n = notice(
    'warn',
    'Content purged: this decision was past its retention period',
    'A retention policy’s maximum (its legal basis, e.g. GDPR Art. 5(1)(e) storage limitation) ended, so its content and its events’ content were removed. ',
    'What remains: the log entry, its time and the leaf’s salted commitments, so the proof below still shows that this entry was recorded and never changed. ',
    'The log holds a signed purge receipt (a docket.purge/v1 entry) naming this leaf’s index and hash; docket verify checks that every purged entry has one.',
  );
  n.id = 'purge';
  return n;
}

/** Fills the erasure notice's list of erased fields from the bundle's envelope. */
function showErasedFields(main: HTMLElement, bundle: BundleInput | undefined): void {
  const target = main.querySelector<HTMLElement>('#erasure [data-fields]');
  if (target === null) return;
  const names = bundle === undefined ? [] : Object.keys(bundle.envelope.commitments).sort();
  if (names.length === 0) {
    target.remove();
    return;
  }
  target.dataset['fields'] = 'loaded';
  replace(
    target,
    `Erased fields (${formatCount(names.length)}): `,
    names.flatMap((n, i) => (i === 0 ? [h('code', {}, n)] : [', ', h('code', {}, n)])),
    '.',
  );
}

const STEP_TITLE: Readonly<Record<CheckStep['name'], string>> = {
  signature: 'Checkpoint signature',
  inclusion: 'Inclusion in the log',
  leaf: 'Leaf recomputed',
  commitments: 'Field commitments',
  content: 'Shown content',
};
const STATUS_MARK = { pass: '✓', fail: '✗', skip: '–' } as const;

function renderCheck(
  panel: HTMLElement,
  check: DecisionCheck,
  vkey: string,
  session: Session,
  erased: boolean,
  purged = false,
): void {
  const failed = check.steps.find((s) => s.status === 'fail');
  const headline = failed
    ? h(
        'p',
        { class: 'verdict fail', role: 'alert' },
        h('strong', {}, 'Not intact. '),
        failed.detail,
      )
    : erased
      ? h(
          'p',
          { class: 'verdict ok' },
          h('strong', {}, 'Intact. '),
          check.steps.find((s) => s.name === 'leaf')?.status === 'pass'
            ? 'The signed log includes this entry and its leaf is unchanged. '
            : 'The signed log includes this entry. ',
          purged
            ? 'Its content was removed by a retention purge (a signed purge receipt in the log names this leaf), so it can no longer be compared with the leaf: that is what a purge does, not a sign of tampering.'
            : 'Its content was erased with its subject, so it can no longer be compared with the leaf: that is what an erasure does, not a sign of tampering.',
        )
      : check.complete
        ? h(
            'p',
            { class: 'verdict ok' },
            h('strong', {}, 'Intact. '),
            'Verified in this browser: the record shown here is the one the log signed.',
          )
        : h(
            'p',
            { class: 'verdict ok' },
            h('strong', {}, 'Intact. '),
            canSeeContent(session.role)
              ? 'The signed log includes this entry.'
              : 'The signed log includes this entry. With an auditor key this page would also recompute the leaf from its content.',
          );
  replace(
    panel,
    h('h2', { id: 'verify-heading' }, 'Verification'),
    headline,
    h(
      'ul',
      { class: 'checks' },
      check.steps.map((s) =>
        h(
          'li',
          { class: `check ${s.status}`, 'data-check': s.name },
          h('span', { class: 'mark', 'aria-hidden': 'true' }, STATUS_MARK[s.status]),
          h(
            'div',
            {},
            h('strong', {}, STEP_TITLE[s.name]),
            h(
              'span',
              { class: 'visually-hidden' },
              ` (${s.status === 'pass' ? 'passed' : s.status === 'fail' ? 'failed' : 'not checked'})`,
            ),
            h('p', {}, s.detail),
            s.issue === undefined
              ? null
              : h(
                  'p',
                  { class: 'issue' },
                  h('code', {}, s.issue.code),
                  s.issue.where === undefined ? '' : ` at ${s.issue.where}`,
                  ` — ${s.issue.message}`,
                ),
          ),
        ),
      ),
    ),
    h(
      'p',
      { class: 'muted small' },
      `Ed25519 checked with ${check.backend === 'webcrypto' ? "this browser's WebCrypto" : 'the bundled verifier (@noble/ed25519)'}; SHA-256 with WebCrypto. Key: `,
      code(vkey),
    ),
  );
}

async function runCheck(
  ctx: PageContext,
  panel: HTMLElement,
  view: DecisionView,
  log: LogInfo,
  vkey: string,
): Promise<BundleInput | undefined> {
  const { session } = ctx;
  replace(
    panel,
    h('h2', { id: 'verify-heading' }, 'Verification'),
    h('p', { class: 'verdict pending' }, 'Verifying in this browser…'),
  );
  let bundle: BundleInput | undefined;
  let bundleMissing: string | undefined;
  if (canSeeContent(session.role)) {
    try {
      bundle = await get<BundleInput>(
        session,
        `/v1/decisions/${encodeURIComponent(view.id)}/bundle?disclose=all`,
        {
          purpose:
            session.purpose === ''
              ? 'in-browser verification (web UI)'
              : `${session.purpose} (in-browser verification)`,
        },
      );
    } catch (error) {
      bundleMissing = `the evidence bundle could not be read (${error instanceof ApiError ? `${error.status} ${error.code}` : String(error)})`;
    }
  } else {
    bundleMissing = `the salts that open the commitments need an auditor key (this is ${session.role === 'admin' ? 'an' : 'a'} ${session.role} key)`;
  }
  const check = await checkDecision({
    decision: view,
    log: { origin: log.origin, vkey },
    bundle,
    ...(bundleMissing === undefined ? {} : { bundleMissing }),
    ed: await ed25519(),
  });
  if (!ctx.alive()) return undefined;
  panel.dataset['state'] = !check.ok
    ? 'failed'
    : check.complete
      ? 'intact'
      : view.erased
        ? 'erased'
        : view.purged
          ? 'purged'
          : 'partial';
  renderCheck(panel, check, vkey, session, view.erased || view.purged, view.purged);
  if (
    check.ok &&
    check.checkpoint !== undefined &&
    view.receipt.checkpoint !== null &&
    vkey === log.vkey
  ) {
    rememberCheckpoint(log.origin, log.vkey, {
      size: check.checkpoint.size,
      root: toBase64(check.checkpoint.root),
      note: view.receipt.checkpoint,
      seenAt: new Date().toISOString(),
    });
  }
  return bundle;
}

function exportBox(ctx: PageContext, view: DecisionView): HTMLElement {
  const { session } = ctx;
  const box = h(
    'section',
    { class: 'card', 'aria-labelledby': 'export-heading' },
    h('h2', { id: 'export-heading' }, 'Evidence bundle'),
  );
  if (!canSeeContent(session.role)) {
    box.append(h('p', { class: 'muted' }, 'Exporting a bundle needs an auditor or admin key.'));
    return box;
  }
  const select = h(
    'select',
    { id: 'disclose' },
    h('option', { value: 'all' }, 'Every field'),
    h(
      'option',
      { value: 'agent,model,prompt,policy,outcome,confidence,reasoning,alternatives' },
      'Outcome, versions and reasoning (no context, no I/O)',
    ),
    h('option', { value: '' }, 'No content: the proof only'),
  );
  const status = h('p', { class: 'small', 'aria-live': 'polite' });
  const button = h('button', { type: 'button', class: 'primary', id: 'export' }, 'Download bundle');
  button.addEventListener('click', () => {
    void (async () => {
      button.disabled = true;
      replace(status, 'Preparing…');
      try {
        const committed = Object.keys(view.content ?? {});
        // Nothing is left to disclose once erased: the bundle is the proof only.
        const wanted =
          view.erased || view.purged
            ? ''
            : select.value === 'all'
              ? 'all'
              : select.value
                  .split(',')
                  .filter((f) => f !== '' && committed.includes(f))
                  .join(',');
        const bundle = await get<unknown>(
          session,
          `/v1/decisions/${encodeURIComponent(view.id)}/bundle?disclose=${encodeURIComponent(wanted)}`,
        );
        const blob = new Blob([`${JSON.stringify(bundle, null, 2)}\n`], {
          type: 'application/json',
        });
        const a = h('a', {
          href: URL.createObjectURL(blob),
          download: `docket-bundle-${view.id}.json`,
        });
        document.body.append(a);
        a.click();
        a.remove();
        setTimeout(() => {
          URL.revokeObjectURL(a.href);
        }, 10_000);
        replace(
          status,
          'Downloaded. Check it offline with ',
          h('code', {}, `docket verify docket-bundle-${view.id}.json --key <vkey>`),
          '.',
        );
      } catch (error) {
        replace(status, errorBox(error, session));
      } finally {
        button.disabled = false;
      }
    })();
  });
  box.append(
    h(
      'p',
      { class: 'muted small' },
      'A file anyone can check offline with the log’s public key. The export is recorded in the access log.',
    ),
    view.erased || view.purged
      ? h(
          'p',
          { class: 'small' },
          'The content was erased or purged, so the bundle is the proof only: the leaf, its inclusion proof and the signed checkpoint. It shows that this entry was recorded and never changed, not what it said.',
        )
      : h('label', { for: 'disclose' }, 'Disclose'),
    ...(view.erased || view.purged ? [] : [select]),
    button,
    status,
  );
  return box;
}

/**
 * Renders one decision and verifies it in the browser.
 *
 * @example
 * await decisionPage(ctx, '0192c0de-…');
 */
export async function decisionPage(ctx: PageContext, id: string): Promise<void> {
  const { main, session } = ctx;
  document.title = 'Decision · Docket';
  replace(main, h('h1', { tabindex: '-1' }, 'Decision'), h('p', { class: 'muted' }, 'Loading…'));
  let view: DecisionView;
  let log: LogInfo;
  try {
    [view, log] = await Promise.all([
      get<DecisionView>(session, `/v1/decisions/${encodeURIComponent(id)}`),
      get<LogInfo>(session, '/v1/log'),
    ]);
  } catch (error) {
    if (!ctx.alive()) return;
    replace(main, h('h1', { tabindex: '-1' }, 'Decision'), errorBox(error, session));
    return;
  }
  if (!ctx.alive()) return;
  const c = view.content;
  const goal = str(c?.['goal']);
  const agent = rec(c?.['agent']);
  const outcome = rec(c?.['outcome']);
  const subject = rec(c?.['subject']);
  // The summary every role sees, and the final outcome (content roles): see GET /v1/decisions/{id}.
  const extra = view as DecisionView & { summary?: DecisionSummary; final?: FinalOutcome | null };
  const summary = extra.summary;
  document.title = `${goal ?? `Decision #${view.index}`} · Docket`;

  const panel = h('section', {
    class: 'card verify',
    id: 'verification',
    'aria-labelledby': 'verify-heading',
    'aria-live': 'polite',
    'data-state': 'pending',
  });
  const vkeyInput = h('input', {
    id: 'vkey',
    name: 'vkey',
    type: 'text',
    spellcheck: 'false',
    placeholder: 'name+keyid+base64',
    value: '',
  });
  const pin = h(
    'details',
    { class: 'card pin' },
    h('summary', {}, 'Check against a key you trust'),
    h(
      'p',
      { class: 'small muted' },
      'The panel uses the key the server reports. Paste the log’s verifier key from a source you trust (for example ',
      h('code', {}, 'docket log'),
      ' on the server) to check against it instead.',
    ),
    h(
      'form',
      {
        onsubmit: (event: Event) => {
          event.preventDefault();
          const vkey = vkeyInput.value.trim();
          if (vkey !== '') void runCheck(ctx, panel, view, log, vkey);
        },
      },
      h('label', { for: 'vkey' }, 'Verifier key'),
      vkeyInput,
      h('button', { type: 'submit' }, 'Verify with this key'),
    ),
  );

  const header = h(
    'header',
    { class: 'decision-head' },
    h('p', { class: 'crumbs' }, h('a', { href: '/ui/decisions' }, '← Decisions')),
    h(
      'h1',
      { tabindex: '-1' },
      view.erased
        ? 'Erased decision'
        : view.purged
          ? 'Purged decision'
          : view.withheld
            ? 'Decision (content withheld)'
            : (goal ?? `Decision #${formatCount(view.index)}`),
    ),
    h(
      'p',
      { class: 'meta' },
      h('time', { datetime: view.ts, title: formatAgo(view.ts) }, formatTime(view.ts)),
      agent === undefined
        ? summary?.agent == null
          ? null
          : [' · ', `${summary.agent} ${summary.version ?? ''}`]
        : [' · ', `${str(agent['id']) ?? '?'} ${str(agent['version']) ?? ''}`],
      // The recorded outcome, and the final one once a person overrode it.
      (str(outcome?.['action']) ?? summary?.outcome ?? null) === null
        ? null
        : [
            ' · ',
            outcomeWithFinal(str(outcome?.['action']) ?? summary?.outcome ?? null, extra.final),
          ],
      num(c?.['confidence']) === undefined
        ? null
        : [' · ', `${formatPercent(num(c!['confidence'])!)} confident`],
    ),
  );

  const body: Child[] = [];
  if (view.erased) body.push(erasureNotice(view));
  else if (view.purged) body.push(purgeNotice());
  else if (view.withheld) {
    body.push(
      notice(
        'warn',
        'Content withheld',
        'This decision is about a person. A reader key may see that it exists and check its proof, not what it says. Sign in with an auditor key to read it (each read is recorded in the access log).',
      ),
    );
  }
  if (c !== null) {
    body.push(outcomeSection(c));
    const reasoning = reasoningSection(c);
    if (reasoning !== null) body.push(reasoning);
    if (c['context'] !== undefined) {
      body.push(
        section(
          'sec-context',
          'Context at decision time',
          h(
            'p',
            { class: 'muted small' },
            'What the agent saw. Values marked “redacted” were removed by the producer before the record left its process.',
          ),
          jsonTree(c['context'], { open: 2, label: 'Context snapshot' }),
        ),
      );
    }
    const calls = callsSection(c);
    if (calls !== null) body.push(calls);
    body.push(versionsSection(c));
    const run = runSection(c);
    if (run !== null) body.push(run);
  }
  body.push(eventsSection(view));
  const lineage = arr(rec(c?.['lineage'])?.['inputs']);
  const tags = c?.['tags'];
  const metadata = c?.['metadata'];
  const producer = rec(c?.['producer']);
  const record = facts([
    ['Decision id', code(view.id)],
    ['Log entry', `#${formatCount(view.index)} of ${formatCount(view.receipt.treeSize)}`],
    [
      'Subject',
      subject === undefined
        ? undefined
        : `${str(subject['type']) ?? 'subject'} ${str(subject['id']) ?? ''}`,
    ],
    [
      'Subject pseudonym',
      view.subject === null
        ? undefined
        : h(
            'code',
            { class: 'wrap', title: 'HMAC pseudonym kept in the leaf' },
            shorten(view.subject, 16, 8),
          ),
    ],
    [
      'Producer',
      producer === undefined
        ? undefined
        : `${str(producer['id']) ?? '?'} · seq ${formatCount(num(producer['seq']) ?? 0)}`,
    ],
    ['Leaf hash', code(view.receipt.leafHash)],
  ]);

  const aside = h(
    'aside',
    { class: 'side', 'aria-label': 'Proof and export' },
    panel,
    pin,
    exportBox(ctx, view),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'record-heading' },
      h('h2', { id: 'record-heading' }, 'Record'),
      record,
    ),
    lineage.length === 0 && tags === undefined && metadata === undefined
      ? null
      : section(
          'sec-more',
          'Lineage, tags, metadata',
          lineage.length === 0 ? null : [h('h3', {}, 'Inputs'), jsonTree(lineage, { open: 2 })],
          tags === undefined ? null : [h('h3', {}, 'Tags'), jsonTree(tags, { open: 1 })],
          metadata === undefined
            ? null
            : [h('h3', {}, 'Metadata'), jsonTree(metadata, { open: 1 })],
        ),
  );
  replace(
    main,
    header,
    h('div', { class: 'decision-grid' }, h('div', { class: 'decision-main' }, body), aside),
  );
  const bundle = await runCheck(ctx, panel, view, log, log.vkey);
  if (view.erased && ctx.alive()) showErasedFields(main, bundle);
}
