// The contract of the cart domain (held by another unit: the operations this unit calls).
// Refine the input and result types here: the handlers, the routes and the clients follow.

/** cart.get: internal: cpu ≈1 ms; db 1 read(s), 0 write(s) */
export interface GetInput {
  params: Record<string, never>;
  body: Record<string, unknown>;
}

export type GetResult = Record<string, unknown>;

/** What the cart domain answers to this unit: in-process where the domain is held, over the network otherwise. */
export interface CartClient {
  /** cart.get */
  get(input: GetInput): Promise<GetResult>;
}
