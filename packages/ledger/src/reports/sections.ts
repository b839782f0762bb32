import type { ReportSection } from './format.js';
import { art12Section } from './art12.js';
import { explanationSection } from './explanation.js';
import { integritySection } from './integrity.js';
import type { ReportInput } from './population.js';

/**
 * The sections of a report: its type's body, then the integrity attestation (R15) attached to
 * every report (an integrity report is that section alone). Pure: the verifier runs it again
 * over the evidence and compares claim by claim.
 *
 * @example
 * const sections = computeSections(input);
 */
export function computeSections(input: ReportInput): ReportSection[] {
  const integrity = integritySection(input);
  switch (input.params.type) {
    case 'integrity':
      return [integrity];
    case 'eu-ai-act-art12':
      return [art12Section(input), integrity];
    case 'explanation':
      return [explanationSection(input), integrity];
  }
}

/** Plain-language summary lines of the sections: counts of statuses, then each gap. */
export function summarize(sections: readonly ReportSection[]): string[] {
  const lines: string[] = [];
  for (const s of sections) {
    const count = (status: string): number => s.claims.filter((c) => c.status === status).length;
    const gaps = s.claims.filter((c) => c.status === 'gap');
    lines.push(
      `${s.title}: ${count('pass')} pass, ${gaps.length} gap, ${count('customer-document-required')} need a customer document, ${count('not-evidenced')} not evidenced by the log, ${count('not-applicable')} not applicable.`,
    );
    for (const g of gaps) lines.push(`Gap — ${g.title}: ${g.finding}`);
  }
  return lines;
}
