/** @docket/cli — the docket command line; `main` runs it in-process (used by tests). */
export { main } from './main.js';
export { EXIT, exitCodeFor } from './exit-codes.js';
export type { Io } from './output.js';
