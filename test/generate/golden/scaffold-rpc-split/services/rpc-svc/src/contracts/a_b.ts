// The contract of the a_b domain.
// Refine the input and result types here: the handlers, the routes and the clients follow.

/** a_b.get: GET /ab2: cpu ≈1 ms */
export interface GetInput {
  params: Record<string, never>;
  body: undefined;
}

export type GetResult = Record<string, unknown>;

/** What the a_b domain answers: in-process where the domain is held, over the network otherwise. */
export interface AB2Client {
  /** a_b.get */
  get(input: GetInput): Promise<GetResult>;
}
