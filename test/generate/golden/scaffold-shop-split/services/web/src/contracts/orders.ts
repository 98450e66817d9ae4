// The contract of the orders domain (held by another unit: the operations this unit calls).
// Refine the input and result types here: the handlers, the routes and the clients follow.

/** orders.place: internal: cpu ≈1 ms; db 0 read(s), 1 write(s); calls cart.get, catalog.list */
export interface PlaceInput {
  params: Record<string, never>;
  body: Record<string, unknown>;
}

export type PlaceResult = Record<string, unknown>;

/** What the orders domain answers to this unit: in-process where the domain is held, over the network otherwise. */
export interface OrdersClient {
  /** orders.place */
  place(input: PlaceInput): Promise<PlaceResult>;
}
