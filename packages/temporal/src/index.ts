/** @docket/temporal — work in progress. */
export {};
