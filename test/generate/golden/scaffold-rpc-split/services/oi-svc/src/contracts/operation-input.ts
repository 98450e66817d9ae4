// The contract of the operation-input domain.
// Refine the input and result types here: the handlers, the routes and the clients follow.

/** operation-input.list: GET /oi: cpu ≈1 ms; calls a_b.get */
export interface ListInput {
  params: Record<string, never>;
  body: undefined;
}

export type ListResult = Record<string, unknown>;

/** What the operation-input domain answers: in-process where the domain is held, over the network otherwise. */
export interface OperationInputClient {
  /** operation-input.list */
  list(input: ListInput): Promise<ListResult>;
}
