/**
 * The clinical-alert domain: an alert from a bedside monitor, the patient context the EHR holds
 * (an in-memory stand-in for its API), and sample alerts. Types only plus data: workflow code
 * imports the types.
 */
import type { Vitals } from './news2.js';

/** An alert raised by a bedside monitor or an e-obs chart. */
export type Alert = {
  readonly alertId: string;
  readonly patientId: string;
  readonly ward: string;
  readonly bed: string;
  readonly observedAt: string;
  readonly vitals: Vitals;
};

/** What the EHR says about the patient that changes the response. */
export type PatientContext = {
  readonly patientId: string;
  /** Hypercapnic respiratory failure with a prescribed SpO2 target of 88–92%: NEWS2 SpO2 scale 2. */
  readonly spo2Target88to92: boolean;
  /** A documented ceiling of care (e.g. comfort care only) replaces escalation to critical care. */
  readonly ceilingOfCare: 'full_escalation' | 'ward_based_care' | 'comfort_care';
};

/** The routes of the local escalation policy (NEWS2 clinical response, RCP 2017, table 2). */
export type Route =
  | 'routine_monitoring'
  | 'ward_nurse_review'
  | 'urgent_clinician_review'
  | 'rapid_response_team'
  | 'senior_review_within_ceiling';

/** What the triage activity returns to the workflow. */
export type AlertTriage = {
  readonly alertId: string;
  readonly route: Route;
  readonly news2: number;
  readonly page: string | null;
};

/** The EHR (an in-memory stand-in for its patient-summary API). */
export const PATIENTS: Readonly<Record<string, PatientContext>> = {
  'MRN-0042817': {
    patientId: 'MRN-0042817',
    spo2Target88to92: false,
    ceilingOfCare: 'full_escalation',
  },
  'MRN-0051934': {
    patientId: 'MRN-0051934',
    spo2Target88to92: true,
    ceilingOfCare: 'full_escalation',
  },
  'MRN-0060211': {
    patientId: 'MRN-0060211',
    spo2Target88to92: false,
    ceilingOfCare: 'full_escalation',
  },
  'MRN-0071158': {
    patientId: 'MRN-0071158',
    spo2Target88to92: false,
    ceilingOfCare: 'comfort_care',
  },
};

/** Alerts to triage: one for each kind of response. */
export const SAMPLE_ALERTS: readonly Alert[] = [
  {
    alertId: 'ALR-88121',
    patientId: 'MRN-0042817',
    ward: 'Ward 7B',
    bed: '12',
    observedAt: '2025-11-22T03:14:00Z',
    vitals: {
      respirationRate: 24,
      spo2: 93,
      onSupplementalOxygen: true,
      systolicBp: 98,
      heartRate: 118,
      consciousness: 'A',
      temperature: 38.6,
    },
  },
  {
    alertId: 'ALR-88122',
    patientId: 'MRN-0051934',
    ward: 'Respiratory',
    bed: '4',
    observedAt: '2025-11-22T03:20:00Z',
    vitals: {
      respirationRate: 19,
      spo2: 89,
      onSupplementalOxygen: false,
      systolicBp: 132,
      heartRate: 84,
      consciousness: 'A',
      temperature: 36.9,
    },
  },
  {
    alertId: 'ALR-88123',
    patientId: 'MRN-0060211',
    ward: 'Ward 3A',
    bed: '9',
    observedAt: '2025-11-22T03:31:00Z',
    vitals: {
      respirationRate: 22,
      spo2: 95,
      onSupplementalOxygen: false,
      systolicBp: 104,
      heartRate: 96,
      consciousness: 'A',
      temperature: 37.4,
    },
  },
  {
    alertId: 'ALR-88124',
    patientId: 'MRN-0071158',
    ward: 'Ward 7B',
    bed: '3',
    observedAt: '2025-11-22T03:40:00Z',
    vitals: {
      respirationRate: 28,
      spo2: 90,
      onSupplementalOxygen: true,
      systolicBp: 88,
      heartRate: 124,
      consciousness: 'V',
      temperature: 35.8,
    },
  },
];
