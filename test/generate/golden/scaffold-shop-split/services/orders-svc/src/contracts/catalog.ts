// The contract of the catalog domain (held by another unit: the operations this unit calls).
// Refine the input and result types here: the handlers, the routes and the clients follow.

/** catalog.list: internal: cpu ≈1 ms; db 1 read(s), 0 write(s) */
export interface ListInput {
  params: Record<string, never>;
  body: Record<string, unknown>;
}

export type ListResult = Record<string, unknown>;

/** What the catalog domain answers to this unit: in-process where the domain is held, over the network otherwise. */
export interface CatalogClient {
  /** catalog.list */
  list(input: ListInput): Promise<ListResult>;
}
