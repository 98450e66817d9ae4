// The contract of the front domain.
// Refine the input and result types here: the handlers, the routes and the clients follow.

/** front.home: GET /: cpu ≈1 ms; calls a-b.get-all */
export interface HomeInput {
  params: Record<string, never>;
  body: undefined;
}

export type HomeResult = Record<string, unknown>;

/** What the front domain answers: in-process where the domain is held, over the network otherwise. */
export interface FrontClient {
  /** front.home */
  home(input: HomeInput): Promise<HomeResult>;
}
