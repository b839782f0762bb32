/**
 * The activities. `triageAlert` is the agent: it reads the patient's context from the EHR, scores
 * the observations with NEWS2 (a deterministic chart, not a network model) and picks the
 * escalation route. It tells Docket what it saw and why with the SDK's helpers (`tool`,
 * `reason`, `consider`, `decide`); the worker's Docket interceptor makes each call one decision
 * (see worker.ts, decision.ts). `pageCareTeam` sends the page; it decides nothing.
 */
import { consider, decide, reason, tool } from '@docket/sdk';
import { PATIENTS } from './alerts.js';
import type { Alert, AlertTriage, PatientContext, Route } from './alerts.js';
import { news2 } from './news2.js';
import type { News2 } from './news2.js';

/** Tool: the EHR's patient summary. */
function patientContext(patientId: string): PatientContext {
  const started = performance.now();
  const context: PatientContext = PATIENTS[patientId] ?? {
    patientId,
    spo2Target88to92: false,
    ceilingOfCare: 'full_escalation',
  };
  tool({
    name: 'ehr.get_patient_summary',
    args: { patientId },
    result: context,
    duration: performance.now() - started,
  });
  return context;
}

/** Tool: the NEWS2 chart. */
function score(alert: Alert, patient: PatientContext): News2 {
  const started = performance.now();
  const result = news2(alert.vitals, patient.spo2Target88to92 ? 2 : 1);
  tool({
    name: 'news2.score',
    args: { vitals: alert.vitals, spo2Scale: result.spo2Scale },
    result,
    duration: performance.now() - started,
  });
  return result;
}

/** Who gets paged for each route. */
const PAGE: Readonly<Record<Route, string | null>> = {
  routine_monitoring: null,
  ward_nurse_review: 'nurse-in-charge',
  urgent_clinician_review: 'ward-doctor',
  rapid_response_team: 'rapid-response-team',
  senior_review_within_ceiling: 'responsible-consultant',
};

/** NEWS2 clinical response (RCP 2017, chart 4) with the ceiling-of-care exception. */
function route(score: News2, patient: PatientContext): [Route, number] {
  if (score.total >= 7) {
    if (patient.ceilingOfCare !== 'full_escalation') {
      reason({
        kind: 'rule',
        text: `E2-ceiling-of-care: NEWS2 ${score.total} but ceiling of care is ${patient.ceilingOfCare}; senior review instead of the rapid response team`,
      });
      return ['senior_review_within_ceiling', 0.9];
    }
    reason({ kind: 'rule', text: `E1-emergency: NEWS2 ${score.total} >= 7` });
    return ['rapid_response_team', 0.95];
  }
  if (score.total >= 5) {
    reason({ kind: 'rule', text: `E3-urgent: NEWS2 ${score.total} in 5–6` });
    return ['urgent_clinician_review', 0.85];
  }
  if (score.redScore) {
    reason({ kind: 'rule', text: 'E4-red-score: one parameter scored 3' });
    return ['urgent_clinician_review', 0.8];
  }
  if (score.total >= 1) {
    reason({ kind: 'rule', text: `E5-low: NEWS2 ${score.total} in 1–4` });
    return ['ward_nurse_review', 0.85];
  }
  reason({ kind: 'rule', text: 'E5-low: NEWS2 0, routine observations' });
  return ['routine_monitoring', 0.9];
}

/**
 * Triage one alert: the escalation route and whom to page.
 *
 * @example
 * const triage = await triageAlert(SAMPLE_ALERTS[0]); // { route: 'rapid_response_team', news2: 11, … }
 */
export async function triageAlert(alert: Alert): Promise<AlertTriage> {
  await Promise.resolve();
  const patient = patientContext(alert.patientId);
  const news = score(alert, patient);
  reason({
    kind: 'observation',
    text: `NEWS2 ${news.total} on SpO2 scale ${news.spo2Scale}${news.redScore ? ', with a red score' : ''}`,
    data: news,
  });
  const [chosen, confidence] = route(news, patient);
  for (const option of Object.keys(PAGE) as Route[])
    if (option !== chosen)
      consider({
        action: option,
        score: 0,
        reason: 'not indicated by NEWS2 and the ceiling of care',
      });
  consider({ action: chosen, score: confidence, reason: `NEWS2 ${news.total}` });
  const page = PAGE[chosen];
  decide(
    {
      action: chosen,
      target: `alert/${alert.alertId}`,
      value: { news2: news.total, page, ward: alert.ward, bed: alert.bed },
    },
    confidence,
  );
  return { alertId: alert.alertId, route: chosen, news2: news.total, page };
}

/**
 * Sends the page (a stand-in for the hospital's paging gateway): returns its id.
 *
 * @example
 * const { pageId } = await pageCareTeam({ alertId: 'ALR-1', team: 'ward-doctor', ward: 'Ward 3A', bed: '9' });
 */
export async function pageCareTeam(page: {
  readonly alertId: string;
  readonly team: string;
  readonly ward: string;
  readonly bed: string;
}): Promise<{ pageId: string }> {
  await Promise.resolve();
  return { pageId: `PG-${page.alertId}-${page.team}` };
}
