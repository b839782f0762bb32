/** @docket/otel — work in progress. */
export {};
