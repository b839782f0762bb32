/** @docket/web — work in progress. */
export {};
