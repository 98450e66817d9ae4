// The contract of the front domain.
// Refine the input and result types here: the handlers, the routes and the clients follow.

/** front.home: GET /: cpu ≈1 ms; calls catalog.list, cart.get */
export interface HomeInput {
  params: Record<string, never>;
  body: undefined;
}

export type HomeResult = Record<string, unknown>;

/** front.checkout: POST /checkout: cpu ≈1 ms; calls orders.place */
export interface CheckoutInput {
  params: Record<string, never>;
  body: Record<string, unknown>;
}

export type CheckoutResult = Record<string, unknown>;

/** What the front domain answers: in-process where the domain is held, over the network otherwise. */
export interface FrontClient {
  /** front.home */
  home(input: HomeInput): Promise<HomeResult>;
  /** front.checkout */
  checkout(input: CheckoutInput): Promise<CheckoutResult>;
}
