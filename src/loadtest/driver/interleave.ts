// Which request of the mix's order the embedded driver sends when its schedule is interleaved with
// another driver's (`--driver both`: k6's request, then the embedded driver's half an interval
// later, then k6's next…) and both measure the same positions of the order.
//
// Why not the same sequence in step: the embedded driver's request n then always came 20 ms after
// k6's request n, the SAME operation. Measured (microservices, 50/s): every embedded
// messages.send followed a k6 messages.send, whose after-effects (its events' consumers, the
// writes) were still running, while k6's messages.send followed whatever the embedded driver sent
// before, mostly something light; messages.conversation the other way round. The drivers'
// per-operation p50s differed by the neighbour, not by the driver (k6's messages.send after a
// send: 48 ms, after anything else: 23 ms, on a loaded machine).
//
// So the embedded driver sends the same positions in another order: the measured positions are cut
// into blocks of one cycle of the order (the last one shorter), and within each block it takes
// them rotated by about half the block: its request n pairs with k6's request n + s, an unrelated
// operation. The rotation alternates between s and 1 − s from one block to the next: in a block
// rotated by s, the embedded driver's request at position p follows k6's at p − s and k6's at p
// follows the embedded driver's at p + s − 1; in a block rotated by 1 − s the two swap. Over two
// blocks each driver's requests of an operation follow the same operations of the other driver.
// Each block holds the same positions for both drivers, so both still measure exactly the same
// number of each operation.

/**
 * The offset, among the `n` measured positions both drivers share, that the embedded driver's
 * `m`-th measured request takes (0 ≤ m < n; beyond n, m itself). `cycle`: the order's length.
 */
export function interleavedOffset(m: number, n: number, cycle: number): number {
  if (!(m >= 0 && m < n)) return m;
  // Stryker disable next-line EqualityOperator: `cycle <= 1` is the same: a cycle of one makes blocks of one, each rotated onto itself
  if (cycle < 1) return m;
  const block = Math.floor(m / cycle);
  const start = block * cycle;
  const length = Math.min(cycle, n - start);
  const half = Math.floor(length / 2);
  const rotation = block % 2 === 0 ? half : length + 1 - half;
  return start + ((m - start + rotation) % length);
}
