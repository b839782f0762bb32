// Schemas of the change records (`docket.change/v1`) in the OpenAPI document: a deployment of an
// agent version, appended by an admin, listed by any reader. The ledger checks the record again
// (`assertChangeRecord` of `@docket/protocol`), so the two can't drift apart silently: a test
// posts the protocol's sample through the document's validator.

const text = (max: number, description: string): object => ({
  type: 'string',
  minLength: 1,
  maxLength: max,
  description,
});
const part = (required: readonly string[], props: Record<string, string>): object => ({
  type: 'object',
  additionalProperties: false,
  required,
  properties: Object.fromEntries(
    Object.entries(props).map(([name, description]) => [name, text(256, description)]),
  ),
});

/** `ChangeRecordV1`, `RecordedChange` and `ChangePage`: the components of the change routes. */
export const CHANGE_SCHEMAS = {
  ChangeRecordV1: {
    type: 'object',
    description:
      'A deployment of an agent version (docket.change/v1): the model, prompt and policy it runs with, who made and who approved the change, when it took effect, and the replay run that tested it. Stored as a docket.change/v1 entry of the tenant’s log.',
    additionalProperties: false,
    required: ['schema', 'id', 'ts', 'agent', 'author', 'approver'],
    properties: {
      schema: { const: 'docket.change/v1' },
      id: { type: 'string', description: 'UUIDv7, the idempotency key.' },
      ts: { type: 'string', format: 'date-time', description: 'When the change took effect.' },
      agent: part(['id', 'version'], { id: 'Agent id.', version: 'Version deployed.' }),
      model: part(['name'], { provider: 'Model provider.', name: 'Model.', version: 'Version.' }),
      prompt: part(['hash'], { id: 'Prompt id.', version: 'Version.', hash: 'Prompt hash.' }),
      policy: part(['id', 'version'], { id: 'Policy id.', version: 'Version.' }),
      author: text(256, 'Who made the change.'),
      approver: text(256, 'Who approved it.'),
      replayRun: text(2000, 'The replay run that tested this version (id or URL).'),
      description: text(2000, 'What changed and why.'),
    },
  },
  RecordedChange: {
    type: 'object',
    required: ['index', 'change'],
    properties: {
      index: { type: 'integer', minimum: 0, description: 'Leaf index of the change.' },
      change: { $ref: '#/components/schemas/ChangeRecordV1' },
      receivedAt: {
        type: 'string',
        description: 'When the server received it (absent for older entries).',
      },
    },
  },
  ChangePage: {
    type: 'object',
    required: ['items'],
    properties: {
      items: { type: 'array', items: { $ref: '#/components/schemas/RecordedChange' } },
    },
  },
};
