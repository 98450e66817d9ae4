// Handlers of the a-b domain
// Tables owned: none. One handler per operation; each throws
// NotImplemented (501) until implemented. `clients` reaches every domain the operations call,
// in this unit or another, through the same typed interface.
import type { Clients } from '../clients.js';
import type * as contract from '../contracts/a-b.js';
import { NotImplemented } from '../errors.js';

export function createAB(clients: Clients): contract.ABClient {
  void clients;
  return {
    /** a-b.get-all: GET /ab/{id}: cpu ≈1 ms */
    async getAll(input: contract.GetAllInput): Promise<contract.GetAllResult> {
      // TODO: implement a-b.get-all.
      void input;
      throw new NotImplemented("a-b.get-all");
    },
    /** a-b.get_all: POST /ab: cpu ≈1 ms */
    async getAll2(input: contract.GetAll2Input): Promise<contract.GetAll2Result> {
      // TODO: implement a-b.get_all.
      void input;
      throw new NotImplemented("a-b.get_all");
    },
    /** a-b.hidden: internal: cpu ≈1 ms */
    async hidden(input: contract.HiddenInput): Promise<contract.HiddenResult> {
      // TODO: implement a-b.hidden.
      void input;
      throw new NotImplemented("a-b.hidden");
    },
  };
}
