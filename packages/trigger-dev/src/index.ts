/** @docket/trigger-dev — work in progress. */
export {};
