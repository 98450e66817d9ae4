// The contract of the a-b domain (held by another unit: the operations this unit calls).
// Refine the input and result types here: the handlers, the routes and the clients follow.

/** a-b.get-all: GET /ab/{id}: cpu ≈1 ms */
export interface GetAllInput {
  params: { id: string };
  body: undefined;
}

export type GetAllResult = Record<string, unknown>;

/** What the a-b domain answers to this unit: in-process where the domain is held, over the network otherwise. */
export interface ABClient {
  /** a-b.get-all */
  getAll(input: GetAllInput): Promise<GetAllResult>;
}
