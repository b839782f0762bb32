/**
 * @docket/vercel-ai — records Vercel AI SDK model calls (and tool calls) into the current Docket
 * decision: `wrapLanguageModel({ model, middleware: createDocketMiddleware({ docket }) })`.
 */
export { createDocketMiddleware } from './middleware.js';
export type { DocketMiddlewareOptions } from './middleware.js';
export { recordTools } from './tools.js';
export type { RecordToolsOptions } from './tools.js';
export type { ErrorSink } from '@docket/sdk';
