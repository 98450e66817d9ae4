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
    /** front.home: GET /: cpu ≈1 ms; calls a-b.get-all */
    async home(input: contract.HomeInput): Promise<contract.HomeResult> {
      // TODO: implement front.home; calls clients.aB.getAll(…).
      void input;
      throw new NotImplemented("front.home");
    },
  };
}
