import type { ClaimStatus, ComplianceReport } from './format.js';

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
const esc = (text: string): string => text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

const STATUS: Record<ClaimStatus, string> = {
  pass: 'Pass',
  gap: 'Gap',
  'not-applicable': 'Not applicable',
  'customer-document-required': 'Customer document required',
  'not-evidenced': 'Not evidenced by the log',
  info: 'Finding',
};

const STYLE = `body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:60rem;color:#111}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ccc}
table{border-collapse:collapse;width:100%;margin:.5rem 0}td,th{border:1px solid #ccc;padding:.3rem .5rem;vertical-align:top;text-align:left}
.pass{color:#0a6b2d}.gap{color:#a40000;font-weight:600}.muted{color:#555}
code{font-size:12px;word-break:break-all}@media print{h2{break-after:avoid}tr{break-inside:avoid}}`;

/**
 * The report as one self-contained, printable HTML page: plain-language findings first, then each
 * section's claims with their status and the records behind them, then the evidence and the
 * command that checks it. The JSON stays the source of truth.
 *
 * @example
 * writeFileSync('report.html', toReportHtml(report));
 */
export function toReportHtml(report: ComplianceReport): string {
  const p = report.params;
  const period = `${p.from ?? 'the start of the log'} to ${p.to ?? 'the latest checkpoint'}`;
  const out: string[] = [
    '<!doctype html><html lang="en"><head><meta charset="utf-8">',
    `<title>${esc(report.title)}</title><style>${STYLE}</style></head><body>`,
    `<h1>${esc(report.title)}</h1>`,
    `<p class="muted">Log <code>${esc(report.log.origin)}</code> · period ${esc(period)}${p.agent === undefined ? '' : ` · agent ${esc(p.agent)}`}${report.subjectId === undefined ? '' : ` · about ${esc(report.subjectId)}`} · generated ${esc(report.generatedAt)} by ${esc(report.generator)} · report ${esc(report.id)}</p>`,
    '<h2>Findings</h2><ul>',
    ...report.summary.map((line) => `<li>${esc(line)}</li>`),
    '</ul>',
  ];
  for (const section of report.sections) {
    out.push(
      `<h2>${esc(section.title)}</h2><table><tr><th>#</th><th>Requirement</th><th>Status</th><th>Finding</th><th>Records</th></tr>`,
    );
    section.claims.forEach((c, i) => {
      out.push(
        `<tr><td>${i + 1}</td><td>${esc(c.title)}${c.source === undefined ? '' : `<br><span class="muted">${esc(c.source)}</span>`}</td>`,
        `<td class="${c.status === 'pass' ? 'pass' : c.status === 'gap' ? 'gap' : ''}">${esc(STATUS[c.status])}</td>`,
        `<td>${esc(c.finding)}</td><td>${c.records.length === 0 ? '—' : c.records.map((r) => `leaf ${r.index}`).join(', ')}</td></tr>`,
      );
    });
    out.push('</table>');
  }
  out.push(
    '<h2>Scope boundary</h2><ul>',
    ...report.scopeBoundary.map((line) => `<li>${esc(line)}</li>`),
    '</ul><h2>Evidence</h2>',
    `<p>Evidence level: <b>${report.evidence.level === 'full' ? 'full — every entry of the period is included, so every count can be recomputed' : 'cited — only the records cited, each with an inclusion proof; counts are stated, not recomputable'}</b>. `,
    `Period: entries ${report.evidence.range.start} to ${report.evidence.range.end - 1} of a signed tree of ${report.evidence.treeSize}.</p>`,
    `<p>Signed checkpoint:</p><pre><code>${esc(report.evidence.checkpoint)}</code></pre>`,
    `<p>Check this report offline: <code>${esc(report.verifyCommand)}</code></p>`,
    report.record === undefined
      ? ''
      : `<p>This report is recorded in the log as entry ${report.record.index} (<code>${esc(report.record.id)}</code>), digest <code>${esc(report.record.digest)}</code>.</p>`,
    '</body></html>',
  );
  return out.join('\n');
}
