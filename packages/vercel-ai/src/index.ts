/** @docket/vercel-ai — work in progress. */
export {};
