// The contract of the api domain.
// Refine the input and result types here: the handlers, the routes and the clients follow.

/** api.list: GET /api/items: cpu ≈1 ms; db 1 read(s), 0 write(s); calls search.find; emits item.seen */
export interface ListInput {
  params: Record<string, never>;
  body: undefined;
}

export type ListResult = Record<string, unknown>;

/** api.item: GET /api/items/{id}: cpu ≈1 ms; db 1 read(s), 0 write(s) */
export interface ItemInput {
  params: { id: string };
  body: undefined;
}

export type ItemResult = Record<string, unknown>;

/** api.exact: GET /api/items/special: cpu ≈1 ms */
export interface ExactInput {
  params: Record<string, never>;
  body: undefined;
}

export type ExactResult = Record<string, unknown>;

/** What the api domain answers: in-process where the domain is held, over the network otherwise. */
export interface ApiClient {
  /** api.list */
  list(input: ListInput): Promise<ListResult>;
  /** api.item */
  item(input: ItemInput): Promise<ItemResult>;
  /** api.exact */
  exact(input: ExactInput): Promise<ExactResult>;
}
