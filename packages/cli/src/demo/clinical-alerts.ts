/**
 * The demo's clinical alert triage agent (a Trigger.dev task): when the early-warning system
 * fires for a ward patient, it reads vitals and labs, computes NEWS2 and qSOFA and escalates to
 * the rapid response team, keeps monitoring, or dismisses the alert. Low scores are dismissed by
 * a rule pre-filter without a model (recorded whole with `capture()`).
 * Version 3.2.0 adds lactate to the escalation rule (sepsis bundle guidance), so it escalates more.
 */
import type { DecisionInput } from '@docket/sdk';
import { consider, decide, llm, reason, tool } from '@docket/sdk';
import { clamp, DemoRandom, round, sha256Of } from './random.js';
import type { CaseInput, DemoCase } from './scenario.js';
import { eventsOf, HOUR, iso, MINUTE, openAiCall, personOf, STAFF } from './scenario.js';

export const CLINICAL_AGENT = 'sepsis-alert-triage';

const SYSTEM = [
  'You assist ward nurses with early-warning alerts. Given vitals, labs, NEWS2 and qSOFA, recommend escalate, monitor or dismiss and explain in one paragraph a clinician can check. Answer in JSON. You do not diagnose.',
  'You assist ward nurses with early-warning alerts under escalation policy SEP-2025.1 (NEWS2 plus lactate). Given vitals, labs, NEWS2 and qSOFA, recommend escalate, monitor or dismiss, name the parameters that drove it, and explain in one paragraph a clinician can check. Answer in JSON. You do not diagnose.',
] as const;

const VERSIONS = [
  {
    agent: '3.1.0',
    model: { provider: 'openai', name: 'gpt-4o-mini', version: 'gpt-4o-mini-2024-07-18' },
    prompt: { id: 'ews-triage', version: '4', hash: sha256Of(SYSTEM[0]) },
    policyVersion: 'SEP-2024.3',
    lactateRule: false,
  },
  {
    agent: '3.2.0',
    model: { provider: 'openai', name: 'gpt-4.1-mini', version: 'gpt-4.1-mini-2025-04-14' },
    prompt: { id: 'ews-triage', version: '5', hash: sha256Of(SYSTEM[1]) },
    policyVersion: 'SEP-2025.1',
    lactateRule: true,
  },
] as const;

const UNITS = [
  'ED',
  '4 West Med-Surg',
  '6 North Telemetry',
  '5 East Step-down',
  '3 South Oncology',
];

/** Typical readings by how sick the patient is (0: well … 3: septic). */
const ACUITY = [
  { rr: 17, spo2: 96.5, o2: 0.04, sbp: 122, hr: 84, temp: 37.3 },
  { rr: 19.5, spo2: 95, o2: 0.15, sbp: 113, hr: 95, temp: 37.8 },
  { rr: 22, spo2: 94, o2: 0.35, sbp: 106, hr: 104, temp: 38.2 },
  { rr: 26, spo2: 91, o2: 0.75, sbp: 94, hr: 122, temp: 38.8 },
] as const;

type Vitals = {
  respiratoryRate: number;
  spo2: number;
  supplementalO2: boolean;
  systolicBp: number;
  heartRate: number;
  consciousness: 'A' | 'C' | 'V';
  temperature: number;
};

/** NEWS2 (Royal College of Physicians, 2017), SpO2 scale 1: the score and each parameter's part. */
function news2(v: Vitals): { score: number; parts: Record<string, number> } {
  const rr = v.respiratoryRate;
  const parts = {
    respiratoryRate: rr <= 8 ? 3 : rr <= 11 ? 1 : rr <= 20 ? 0 : rr <= 24 ? 2 : 3,
    spo2: v.spo2 <= 91 ? 3 : v.spo2 <= 93 ? 2 : v.spo2 <= 95 ? 1 : 0,
    supplementalO2: v.supplementalO2 ? 2 : 0,
    systolicBp:
      v.systolicBp <= 90
        ? 3
        : v.systolicBp <= 100
          ? 2
          : v.systolicBp <= 110
            ? 1
            : v.systolicBp <= 219
              ? 0
              : 3,
    heartRate:
      v.heartRate <= 40
        ? 3
        : v.heartRate <= 50
          ? 1
          : v.heartRate <= 90
            ? 0
            : v.heartRate <= 110
              ? 1
              : v.heartRate <= 130
                ? 2
                : 3,
    consciousness: v.consciousness === 'A' ? 0 : 3,
    temperature:
      v.temperature <= 35
        ? 3
        : v.temperature <= 36
          ? 1
          : v.temperature <= 38
            ? 0
            : v.temperature <= 39
              ? 1
              : 2,
  };
  return { score: Object.values(parts).reduce((a, b) => a + b, 0), parts };
}

/**
 * One early-warning alert triaged by the clinical agent.
 *
 * @example
 * const c = clinicalCase({ seed: 'docket-demo', index: 2, id, ms: Date.now(), rng, generation: 0 });
 */
export function clinicalCase(input: CaseInput): DemoCase {
  const { rng, generation, index, ms } = input;
  const v = VERSIONS[generation];
  const patientNo = rng.int(0, 149);
  const subjectId = `MRN-${(4_100_000 + patientNo * 17).toString()}`;
  const who = new DemoRandom(input.seed, 'patient', patientNo);
  const person = personOf(who);
  const unit = who.pick(UNITS);
  // How sick the patient is drives every reading together, as it does at the bedside.
  const acuity = rng.weighted([
    [0, 35],
    [1, 35],
    [2, 20],
    [3, 10],
  ] as const);
  const mean = ACUITY[acuity];
  const vitals: Vitals = {
    respiratoryRate: Math.round(clamp(rng.normal(mean.rr, 2.2), 8, 38)),
    spo2: Math.round(clamp(rng.normal(mean.spo2, 1.4), 82, 100)),
    supplementalO2: rng.chance(mean.o2),
    systolicBp: Math.round(clamp(rng.normal(mean.sbp, 10), 72, 190)),
    heartRate: Math.round(clamp(rng.normal(mean.hr, 8), 45, 160)),
    consciousness: acuity === 3 && rng.chance(0.4) ? rng.pick(['C', 'V'] as const) : 'A',
    temperature: round(clamp(rng.normal(mean.temp, 0.4), 35, 40.6), 1),
  };
  const labs = {
    lactate: round(clamp(rng.normal(1.1 + acuity * 0.8, 0.45), 0.4, 8), 1),
    wbc: round(clamp(rng.normal(8 + acuity * 3.4, 2.2), 1.5, 28), 1),
  };
  const { score, parts } = news2(vitals);
  const redParameter = Object.values(parts).some((p) => p === 3);
  const qsofa =
    (vitals.respiratoryRate >= 22 ? 1 : 0) +
    (vitals.systolicBp <= 100 ? 1 : 0) +
    (vitals.consciousness === 'A' ? 0 : 1);
  const alertId = `EWS-${(600_000 + index).toString()}`;
  const encounter = `ENC-${(8_800_000 + patientNo * 3).toString()}`;
  const target = `alert/${alertId}`;

  const lactateEscalates =
    v.lactateRule && (labs.lactate >= 4 || (labs.lactate >= 2 && score >= 5));
  const action =
    score >= 7 || (score >= 6 && qsofa >= 2) || lactateEscalates
      ? 'escalate'
      : score >= 4 || (score === 3 && redParameter)
        ? 'monitor'
        : 'dismiss';
  const prefilter = score <= 2 && !lactateEscalates;
  const scores = {
    escalate: round(
      clamp(score / 10 + qsofa * 0.08 + (labs.lactate >= 2 ? 0.1 : 0), 0.02, 0.98),
      2,
    ),
    monitor: round(clamp(0.35 + (score >= 3 && score <= 6 ? 0.4 : 0), 0.1, 0.9), 2),
    dismiss: round(clamp(1 - score / 6, 0.02, 0.97), 2),
  };
  const confidence = round(
    clamp(
      action === 'escalate'
        ? 0.7 + scores.escalate * 0.25
        : action === 'dismiss'
          ? 0.65 + scores.dismiss * 0.3
          : 0.62,
      0.5,
      0.98,
    ),
    2,
  );
  const drivers = Object.entries(parts)
    .filter(([, p]) => p > 0)
    .map(([k, p]) => `${k} +${p}`);
  const explanation =
    action === 'escalate'
      ? `NEWS2 ${score}${qsofa >= 2 ? `, qSOFA ${qsofa}` : ''}${lactateEscalates ? `, lactate ${labs.lactate} mmol/L` : ''}: urgent review by the rapid response team; consider the sepsis bundle.`
      : action === 'monitor'
        ? `NEWS2 ${score} (${drivers.join(', ')}): increase observations to hourly and inform the nurse in charge.`
        : `NEWS2 ${score}: no parameter in the red zone; routine observations continue.`;

  const run = new DemoRandom(input.seed, 'trigger', index);
  const context = {
    alert: { id: alertId, source: 'EWS', firedAt: iso(ms - rng.int(20, 90) * 1000), unit },
    patient: {
      name: person.name,
      birthYear: person.birthYear,
      mrn: subjectId,
      encounter,
      bed: `${unit.split(' ')[0]}-${String(who.int(1, 38)).padStart(2, '0')}`,
    },
    vitals,
    labs: { ...labs, collectedAt: iso(ms - rng.int(15, 240) * MINUTE) },
    news2: { score, parts },
    qsofa,
  };
  const common = {
    id: input.id,
    ts: iso(ms),
    agent: { id: CLINICAL_AGENT, version: v.agent },
    policy: {
      id: 'sepsis-escalation',
      version: v.policyVersion,
      rules_evaluated: [
        'SEP-NEWS2-7',
        'SEP-NEWS2-6-QSOFA-2',
        ...(v.lactateRule ? ['SEP-LACTATE-2-NEWS2-5', 'SEP-LACTATE-4'] : []),
        'SEP-NEWS2-4-MONITOR',
        'SEP-RED-PARAMETER',
      ],
    },
    subject: { id: subjectId, type: 'patient' },
    goal: `Triage early-warning alert ${alertId} for the patient in ${context.patient.bed} (${unit}): escalate to the rapid response team, monitor, or dismiss?`,
    context,
    correlation: {
      traceId: rng.hex(16),
      spanId: rng.hex(8),
      sessionId: encounter,
      orchestrator: {
        kind: 'trigger.dev',
        runId: `run_${run.alnum(24)}`,
        job: 'sepsis-screen',
        step: prefilter ? 'prefilter' : 'triage-alert',
        attempt: 0,
      },
    },
    lineage: {
      inputs: [
        {
          name: 'ehr_vitals',
          digest: sha256Of(vitals),
          uri: `fhir://ehr.general-hospital.example/Observation?encounter=${encounter}&category=vital-signs`,
        },
        {
          name: 'ehr_labs',
          digest: sha256Of(labs),
          uri: `fhir://ehr.general-hospital.example/Observation?encounter=${encounter}&category=laboratory`,
        },
      ],
    },
    tags: { demo: 'docket', domain: 'clinical', unit },
    metadata: { demo: { seed: input.seed, index } },
  };
  const vitalsCall = {
    name: 'ehr.get_vitals',
    args: { encounter, window: 'PT4H' },
    result: vitals,
    duration: rng.int(80, 400),
  };
  const scoreCall = {
    name: 'news2.compute',
    args: { ...vitals },
    result: { score, parts, qsofa },
    duration: rng.int(1, 6),
  };

  if (prefilter) {
    // The rule pre-filter: no model, one record handed whole to capture().
    const decision: DecisionInput = {
      ...common,
      reasoning: [
        {
          kind: 'rule',
          text: `NEWS2 ${score} is 2 or less with no red parameter: dismiss without model review.`,
          data: { score, parts },
        },
      ],
      alternatives: [
        { action: 'escalate', score: scores.escalate, reason: 'No trigger met' },
        {
          action: 'monitor',
          score: round(scores.monitor * 0.5, 2),
          reason: 'Below the monitoring threshold',
        },
        {
          action: 'dismiss',
          score: scores.dismiss,
          reason: 'Low aggregate score; routine observations',
        },
      ],
      tools: [vitalsCall, scoreCall],
      outcome: { action: 'dismiss', target, value: { nextObservation: 'routine (4-hourly)' } },
      confidence: round(clamp(0.9 + scores.dismiss * 0.08, 0.9, 0.99), 2),
    };
    return {
      index,
      id: input.id,
      agent: CLINICAL_AGENT,
      version: v.agent,
      via: 'capture',
      decision,
      events: [],
    };
  }

  const meta = {
    ...common,
    model: { ...v.model, params: { temperature: 0, seed: 7 } },
    prompt: v.prompt,
  };
  const act = (): void => {
    tool(vitalsCall);
    tool({
      name: 'lab.get_results',
      args: { encounter, panel: ['lactate', 'wbc'], window: 'PT24H' },
      result: labs,
      duration: rng.int(90, 500),
    });
    tool(scoreCall);
    reason({
      kind: 'observation',
      text: `RR ${vitals.respiratoryRate}, SpO2 ${vitals.spo2}%${vitals.supplementalO2 ? ' on O2' : ''}, BP ${vitals.systolicBp} systolic, HR ${vitals.heartRate}, T ${vitals.temperature} °C, ${vitals.consciousness === 'A' ? 'alert' : 'new confusion'}; lactate ${labs.lactate} mmol/L, WBC ${labs.wbc}.`,
      data: { vitals, labs },
    });
    reason({
      kind: 'rule',
      text: `NEWS2 ${score} (${drivers.join(', ') || 'all parameters normal'}); qSOFA ${qsofa}.`,
      data: { score, parts, qsofa },
    });
    if (v.lactateRule) {
      reason({
        kind: 'rule',
        text: lactateEscalates
          ? `Lactate ${labs.lactate} mmol/L meets SEP-2025.1's escalation rule.`
          : `Lactate ${labs.lactate} mmol/L does not trigger escalation on its own.`,
        data: { lactate: labs.lactate, threshold: score >= 5 ? 2 : 4 },
      });
    }
    llm(
      openAiCall(rng, {
        model: v.model.name,
        snapshot: v.model.version,
        system: SYSTEM[generation],
        user: { vitals, labs, news2: score, qsofa, unit },
        answer: { recommendation: action, drivers, explanation },
      }),
    );
    reason({ kind: 'inference', text: explanation });
    consider({
      action: 'escalate',
      score: scores.escalate,
      reason: action === 'escalate' ? explanation : 'No escalation trigger met',
    });
    consider({
      action: 'monitor',
      score: scores.monitor,
      reason:
        action === 'monitor'
          ? explanation
          : action === 'escalate'
            ? 'Too unwell to wait for the next observation'
            : 'No parameter warrants closer observation',
    });
    consider({
      action: 'dismiss',
      score: scores.dismiss,
      reason: action === 'dismiss' ? explanation : `NEWS2 ${score} is too high to dismiss`,
    });
    decide(
      {
        action,
        target,
        value:
          action === 'escalate'
            ? { page: 'rapid-response-team', urgency: score >= 7 ? 'emergency' : 'urgent' }
            : action === 'monitor'
              ? { nextObservation: 'hourly' }
              : { nextObservation: 'routine (4-hourly)' },
      },
      confidence,
    );
  };

  const events = eventsOf(
    input,
    action === 'escalate'
      ? [
          {
            after: rng.int(1, 4) * MINUTE,
            kind: 'effect',
            effect: {
              type: 'rapid_response.paged',
              team: rng.pick(['RRT-1', 'RRT-2']),
              acknowledgedSeconds: rng.int(20, 240),
            },
          },
          ...(rng.chance(0.55)
            ? [
                {
                  after: rng.int(25, 95) * MINUTE,
                  kind: 'effect' as const,
                  effect: {
                    type: 'sepsis_bundle.started',
                    antibioticsMinutes: rng.int(28, 90),
                    cultures: true,
                    repeatLactate: true,
                  },
                },
              ]
            : []),
          ...(rng.chance(generation === 1 && score < 7 ? 0.25 : 0.06)
            ? [
                {
                  after: rng.int(10, 40) * MINUTE,
                  kind: 'override' as const,
                  actor: rng.pick(STAFF.clinicians),
                  reason:
                    generation === 1 && score < 7
                      ? `Lactate ${labs.lactate} was drawn after exercise physiotherapy; repeat 1.3 mmol/L. Patient comfortable, continue hourly observations.`
                      : 'Patient on comfort-care orders; family at the bedside. Escalation not appropriate.',
                  outcome: { action: 'monitor', target },
                },
              ]
            : []),
        ]
      : action === 'monitor'
        ? [
            {
              after: rng.int(1, 5) * MINUTE,
              kind: 'effect',
              effect: { type: 'observations.rescheduled', intervalMinutes: 60 },
            },
            ...(rng.chance(0.07)
              ? [
                  {
                    after: rng.int(1, 3) * HOUR,
                    kind: 'override' as const,
                    actor: rng.pick(STAFF.clinicians),
                    reason:
                      'Newly confused on the manual recheck; NEWS2 now 8. Paged the rapid response team.',
                    outcome: { action: 'escalate', target },
                  },
                ]
              : []),
          ]
        : rng.chance(0.05)
          ? [
              {
                after: rng.int(20, 120) * MINUTE,
                kind: 'override',
                actor: rng.pick(STAFF.clinicians),
                reason:
                  'Family reports the patient is not herself today; moving to hourly observations.',
                outcome: { action: 'monitor', target },
              },
            ]
          : [],
  );
  return {
    index,
    id: input.id,
    agent: CLINICAL_AGENT,
    version: v.agent,
    via: 'record',
    meta,
    act,
    events,
  };
}
