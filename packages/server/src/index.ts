/**
 * @docket/server — the Docket HTTP API (OpenAPI 3.1 document, router, API keys with roles and
 * tenants, the access log, metrics) over the ledger.
 */
export { createApiKey, isApiKeySecret, parseApiKey } from './auth/api-key.js';
export { listOperations, openApiDocument } from './openapi/document.js';
export type { OperationSpec } from './openapi/document.js';
export { ServerError } from './errors.js';
export { startServer } from './server.js';
export type { DocketServer, LogLine, ServerOptions, ServerTlsOptions } from './server.js';
export type { Principal } from './auth/authenticator.js';
export { API_KEY_ROLES, isApiKeyRole } from './auth/roles.js';
export type { ApiKeyRole } from './auth/roles.js';
export { toProblem } from './http/problem.js';
export type { Problem } from './http/problem.js';
export { createWitnessService } from './witness/witness-service.js';
export type {
  WitnessAnswer,
  WitnessService,
  WitnessServiceOptions,
} from './witness/witness-service.js';
export { ensureWitnessKey, startWitnessServer, WITNESS_FILES } from './witness/witness-server.js';
export type { WitnessServer, WitnessServerOptions } from './witness/witness-server.js';
export { parseWitnessConfig, submitCheckpoint, witnessesOf } from './witnessing/witness-client.js';
export type { SubmitOutcome, WitnessConfig } from './witnessing/witness-client.js';
export { COSIGNATURES_FILE } from './witnessing/start-witnessing.js';
