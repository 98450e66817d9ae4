// Handlers of the orders domain
// Tables owned: orders. One handler per operation; each throws
// NotImplemented (501) until implemented. `clients` reaches every domain the operations call,
// in this unit or another, through the same typed interface.
import type { Clients } from '../clients.js';
import type * as contract from '../contracts/orders.js';
import { NotImplemented } from '../errors.js';

export function createOrders(clients: Clients): contract.OrdersClient {
  void clients;
  return {
    /** orders.place: internal: cpu ≈1 ms; db 0 read(s), 1 write(s); calls cart.get, catalog.list */
    async place(input: contract.PlaceInput): Promise<contract.PlaceResult> {
      // TODO: implement orders.place; calls clients.cart.get(…), clients.catalog.list(…).
      void input;
      throw new NotImplemented("orders.place");
    },
    /** orders.history: GET /orders/{orderId}: cpu ≈1 ms; db 1 read(s), 0 write(s) */
    async history(input: contract.HistoryInput): Promise<contract.HistoryResult> {
      // TODO: implement orders.history.
      void input;
      throw new NotImplemented("orders.history");
    },
  };
}
