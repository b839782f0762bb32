import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import type { ErrorCode, Issue } from '@docket/protocol';
import { ServerError } from '../errors.js';
import { openApiDocument } from './document.js';
import type { OperationSpec } from './document.js';

const DOC_ID = 'urn:docket:openapi';
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** `#/components/schemas/X` → a reference into the document registered with ajv. */
function rebase(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rebase);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] =
      k === '$ref' && typeof v === 'string' && v.startsWith('#/components/schemas/')
        ? `${DOC_ID}#/$defs/${v.slice('#/components/schemas/'.length)}`
        : rebase(v);
  }
  return out;
}

function newAjv(coerce: boolean): Ajv2020 {
  const ajv = new Ajv2020({
    allErrors: true,
    strict: false,
    coerceTypes: coerce,
    useDefaults: coerce,
  });
  ajv.addFormat('date-time', (s: string) => RFC3339.test(s) && !Number.isNaN(Date.parse(s)));
  ajv.addSchema({ $id: DOC_ID, $defs: rebase(openApiDocument.components.schemas) as object });
  return ajv;
}

/** `/decisions/3/id` → `$.decisions[3].id` (the JSON paths the rest of Docket uses). */
function toJsonPath(pointer: string): string {
  let path = '$';
  for (const raw of pointer.split('/').slice(1)) {
    const part = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    path += /^\d+$/.test(part) ? `[${part}]` : `.${part}`;
  }
  return path;
}

/** Ajv's keywords as the catalogue's schema codes (the ones protocol's own validator reports). */
const SCHEMA_CODES: Readonly<Record<string, ErrorCode>> = {
  type: 'SCHEMA_TYPE',
  required: 'SCHEMA_REQUIRED',
  additionalProperties: 'SCHEMA_UNKNOWN_PROPERTY',
  enum: 'SCHEMA_ENUM',
  const: 'SCHEMA_CONST',
  pattern: 'SCHEMA_PATTERN',
  format: 'SCHEMA_FORMAT',
  minLength: 'SCHEMA_LENGTH',
  maxLength: 'SCHEMA_LENGTH',
  minItems: 'SCHEMA_LENGTH',
  maxItems: 'SCHEMA_LENGTH',
  minProperties: 'SCHEMA_LENGTH',
  maxProperties: 'SCHEMA_LENGTH',
  minimum: 'SCHEMA_RANGE',
  maximum: 'SCHEMA_RANGE',
  exclusiveMinimum: 'SCHEMA_RANGE',
  exclusiveMaximum: 'SCHEMA_RANGE',
  multipleOf: 'SCHEMA_RANGE',
};

function toIssues(errors: readonly ErrorObject[] | null | undefined, prefix: string): Issue[] {
  return (errors ?? [])
    .filter((e) => e.keyword !== 'if')
    .map((e) => {
      const at =
        e.keyword === 'required'
          ? `${e.instancePath}/${(e.params as { missingProperty: string }).missingProperty}`
          : e.keyword === 'additionalProperties'
            ? `${e.instancePath}/${(e.params as { additionalProperty: string }).additionalProperty}`
            : e.instancePath;
      const where = prefix === '$' ? toJsonPath(at) : `${prefix}${at.replaceAll('/', '.')}`;
      const code = SCHEMA_CODES[e.keyword] ?? 'SCHEMA_TYPE';
      return { code, message: e.message ?? 'invalid', where };
    });
}

/** Validators of one operation: its parameters (coerced from text) and its JSON body. */
export interface OperationValidator {
  /** Coerces and checks path and query parameters; throws `PARAM_INVALID`/`PARAM_UNKNOWN`. */
  params(path: Record<string, string>, query: URLSearchParams): Record<string, unknown>;
  /** Checks a parsed body; throws `REQUEST_INVALID` with every issue. */
  body(value: unknown): void;
  /** Issues of a response body against the document (tests and `validateResponses`). */
  response(status: number, value: unknown): Issue[];
}

/**
 * Compiles the validators of every operation of the document once, at start-up.
 *
 * @example
 * const validators = compileValidators(listOperations());
 * const params = validators.get('listDecisions')!.params({}, url.searchParams);
 */
export function compileValidators(
  operations: readonly OperationSpec[],
): Map<string, OperationValidator> {
  const coercing = newAjv(true);
  const strict = newAjv(false);
  const out = new Map<string, OperationValidator>();
  for (const op of operations) {
    const queryParams = op.parameters.filter((p) => p.in === 'query');
    const pathParams = op.parameters.filter((p) => p.in === 'path');
    const objectOf = (params: typeof queryParams): object => ({
      type: 'object',
      properties: Object.fromEntries(params.map((p) => [p.name, rebase(p.schema)])),
      required: params.filter((p) => p.required === true).map((p) => p.name),
    });
    const checkQuery = coercing.compile(objectOf(queryParams));
    const checkPath = coercing.compile(objectOf(pathParams));
    const checkBody: ValidateFunction | undefined =
      op.body === undefined ? undefined : strict.compile(rebase(op.body) as object);
    const responseCheckers = new Map<string, ValidateFunction | undefined>();
    out.set(op.operationId, {
      params(path, query) {
        const values: Record<string, unknown> = {};
        for (const [name, value] of query) {
          if (!queryParams.some((p) => p.name === name)) {
            throw new ServerError(
              'PARAM_UNKNOWN',
              `unknown query parameter "${name}" (known: ${queryParams.map((p) => p.name).join(', ') || 'none'})`,
              { where: `query.${name}` },
            );
          }
          if (name in values) {
            throw new ServerError('PARAM_INVALID', `query parameter "${name}" is repeated`, {
              where: `query.${name}`,
            });
          }
          values[name] = value;
        }
        const pathValues: Record<string, unknown> = { ...path };
        for (const [check, target, prefix] of [
          [checkPath, pathValues, 'path'],
          [checkQuery, values, 'query'],
        ] as const) {
          if (!check(target)) {
            const issues = toIssues(check.errors, prefix);
            throw Object.assign(
              new ServerError(
                'PARAM_INVALID',
                issues.map((i) => `${i.where}: ${i.message}`).join('; '),
                { where: issues[0]?.where },
              ),
              { issues },
            );
          }
        }
        return { ...values, ...pathValues };
      },
      body(value) {
        if (checkBody === undefined || checkBody(value)) return;
        const issues = toIssues(checkBody.errors, '$');
        throw Object.assign(
          new ServerError(
            'REQUEST_INVALID',
            `the body does not match the API: ${issues.map((i) => `${i.where} ${i.message}`).join('; ')}`,
            { where: issues[0]?.where },
          ),
          { issues },
        );
      },
      response(status, value) {
        const key = String(status);
        if (!responseCheckers.has(key)) {
          const spec = op.responses.get(key);
          responseCheckers.set(
            key,
            spec?.schema === undefined || !spec.contentType.includes('json')
              ? undefined
              : strict.compile(rebase(spec.schema) as object),
          );
        }
        // Every status an operation answers is in the document, refusals too: a client generated
        // from it must know them all.
        if (!op.responses.has(key)) {
          return [{ code: 'RESPONSE_UNDOCUMENTED', message: `status ${status} is not documented` }];
        }
        const check = responseCheckers.get(key);
        if (check === undefined || check(value)) return [];
        return toIssues(check.errors, '$');
      },
    });
  }
  return out;
}
