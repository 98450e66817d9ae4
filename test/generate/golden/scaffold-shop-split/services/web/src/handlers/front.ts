// Handlers of the front domain
// Tables owned: none. One handler per operation; each throws
// NotImplemented (501) until implemented. `clients` reaches every domain the operations call,
// in this unit or another, through the same typed interface.
import type { Clients } from '../clients.js';
import type * as contract from '../contracts/front.js';
import { NotImplemented } from '../errors.js';

export function createFront(clients: Clients): contract.FrontClient {
  void clients;
  return {
    /** front.home: GET /: cpu ≈1 ms; calls catalog.list, cart.get */
    async home(input: contract.HomeInput): Promise<contract.HomeResult> {
      // TODO: implement front.home; calls clients.catalog.list(…), clients.cart.get(…).
      void input;
      throw new NotImplemented("front.home");
    },
    /** front.checkout: POST /checkout: cpu ≈1 ms; calls orders.place */
    async checkout(input: contract.CheckoutInput): Promise<contract.CheckoutResult> {
      // TODO: implement front.checkout; calls clients.orders.place(…).
      void input;
      throw new NotImplemented("front.checkout");
    },
  };
}
