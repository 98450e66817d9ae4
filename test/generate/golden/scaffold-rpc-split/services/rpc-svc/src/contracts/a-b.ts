// The contract of the a-b domain.
// Refine the input and result types here: the handlers, the routes and the clients follow.

/** a-b.get-all: GET /ab/{id}: cpu ≈1 ms */
export interface GetAllInput {
  params: { id: string };
  body: undefined;
}

export type GetAllResult = Record<string, unknown>;

/** a-b.get_all: POST /ab: cpu ≈1 ms */
export interface GetAll2Input {
  params: Record<string, never>;
  body: Record<string, unknown>;
}

export type GetAll2Result = Record<string, unknown>;

/** a-b.hidden: internal: cpu ≈1 ms */
export interface HiddenInput {
  params: Record<string, never>;
  body: Record<string, unknown>;
}

export type HiddenResult = Record<string, unknown>;

/** What the a-b domain answers: in-process where the domain is held, over the network otherwise. */
export interface ABClient {
  /** a-b.get-all */
  getAll(input: GetAllInput): Promise<GetAllResult>;
  /** a-b.get_all */
  getAll2(input: GetAll2Input): Promise<GetAll2Result>;
  /** a-b.hidden */
  hidden(input: HiddenInput): Promise<HiddenResult>;
}
