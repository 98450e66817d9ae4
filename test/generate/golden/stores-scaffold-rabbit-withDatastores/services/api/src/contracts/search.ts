// The contract of the search domain (held by another unit: the operations this unit calls).
// Refine the input and result types here: the handlers, the routes and the clients follow.

/** search.find: internal: cpu ≈1 ms; db 1 read(s), 0 write(s) */
export interface FindInput {
  params: Record<string, never>;
  body: Record<string, unknown>;
}

export type FindResult = Record<string, unknown>;

/** What the search domain answers to this unit: in-process where the domain is held, over the network otherwise. */
export interface SearchClient {
  /** search.find */
  find(input: FindInput): Promise<FindResult>;
}
