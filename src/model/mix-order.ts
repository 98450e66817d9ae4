// The order in which a mix's operations are sent: one function for the load driver
// (loadtest/scenario.ts weightedPicker) and the simulator's paced arrivals (simulate/des/arrivals.ts),
// so a prediction of a driver's run sends the mix in the driver's order. Here, beside the workload
// it orders, so neither side depends on the other's internals.

/**
 * A paced stream's next operation: smooth weighted round robin (nginx's). Every entry gains its
 * weight (the weights sum to 1); the richest, the first on a tie, goes and pays 1. Deterministic,
 * and every prefix of the sequence holds each operation close to its share.
 */
export function nextOfMix(credit: Float64Array, weight: Float64Array): number {
  let best = 0;
  // a tie within rounding is a tie (the driver's integer weights tie exactly)
  // Stryker disable next-line EqualityOperator: `i <= length` adds one NaN past the end, which a typed array drops and no comparison takes; `>=` differs only at exactly 1e-9 above the best
  for (let i = 0; i < credit.length; i++) if ((credit[i]! += weight[i]!) > credit[best]! + 1e-9) best = i;
  credit[best]! -= 1;
  return best;
}
