/**
 * @docket/langchain — records LangChain.js chains, model calls, tool calls and agent actions into
 * the current Docket decision: `{ callbacks: [new DocketCallbackHandler({ docket })] }`.
 */
export { DocketCallbackHandler } from './handler.js';
export type { DocketCallbackHandlerOptions } from './handler.js';
export type { ErrorSink } from '@docket/sdk';
