// The tlog-tiles read path of the OpenAPI document (issue 19; c2sp.org/tlog-tiles), kept apart so
// document.ts only spreads it in. The tiled log's prefix is `/v1/tiles/{log}/` (log: decisions or
// access, of the key's tenant). Tiles hold leaf hashes and entry bundles hold leaf envelopes
// (commitments, never content), so the roles that may read proofs and checkpoints may read them.
import type { ApiKeyRole } from '../auth/roles.js';

/** What the tiles paths take from document.ts. */
export interface TilesPathHelpers {
  readonly problemResponse: (description: string) => object;
  readonly authProblems: object;
  readonly roles: readonly ApiKeyRole[];
}

const logParam = {
  name: 'log',
  in: 'path',
  required: true,
  description: 'Which of the tenant’s logs: decisions or access.',
  schema: { enum: ['decisions', 'access'] },
};

/**
 * `GET /v1/tiles/{log}/checkpoint` and `GET /v1/tiles/{log}/tile/{tile}`.
 *
 * @example
 * const paths = { ...tilesPaths({ problemResponse, authProblems: AUTH_PROBLEMS, roles: READ_ROLES }) };
 */
export function tilesPaths(h: TilesPathHelpers): Record<string, object> {
  return {
    '/v1/tiles/{log}/checkpoint': {
      get: {
        operationId: 'getTilesCheckpoint',
        summary: 'tlog-tiles: the latest checkpoint of the log, with witness cosignatures',
        'x-docket-roles': h.roles,
        parameters: [logParam],
        responses: {
          '200': {
            description: 'The signed note.',
            content: { 'text/plain': { schema: { type: 'string' } } },
          },
          ...h.authProblems,
        },
      },
    },
    '/v1/tiles/{log}/tile/{tile}': {
      get: {
        operationId: 'getTile',
        summary:
          'tlog-tiles: a Merkle tile (<L>/<N>[.p/<W>]) or an entry bundle (entries/<N>[.p/<W>])',
        'x-docket-roles': h.roles,
        'x-docket-path-rest': 'tile',
        parameters: [
          logParam,
          {
            name: 'tile',
            in: 'path',
            required: true,
            description:
              'The rest of the path, slashes included (x-docket-path-rest): `0/x001/234`, `1/000.p/17`, `entries/000.p/5`.',
            schema: { type: 'string', minLength: 1, maxLength: 256 },
          },
        ],
        responses: {
          '200': {
            description: 'The tile: 32-byte hashes, or uint16-length-prefixed leaves.',
            content: { 'application/octet-stream': { schema: { type: 'string' } } },
          },
          '404': h.problemResponse('The tree at the latest checkpoint has no such tile yet.'),
          ...h.authProblems,
        },
      },
    },
  };
}
