/** @docket/langchain — work in progress. */
export {};
