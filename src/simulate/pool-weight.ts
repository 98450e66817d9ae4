// How the host's cores are shared between the units' thread-pool work and everything else
// (HostModel.poolWeight): its default, in a module of its own so the command-line help can name it
// without loading the simulator.

/**
 * HostModel.poolWeight when none is given. Measured 2026-12-03 on this project's 2-core host
 * (Linux 6.18, EEVDF), the monolith pinned to one core at 121/s with its 3% of logins (a ~40 ms
 * scrypt hash each on the libuv pool) against the same load without them (117/s): messages.send
 * p50/p95 5.16/14.38 ms with logins, 4.33/8.89 without; messages.conversation 2.87/9.38 and
 * 2.60/5.80. The calibrated DES predicts send 4.75/9.37 and conversation 2.98/6.41 with weight 0
 * (strict priority), 5.80/16.21 and 3.68/13.24 with 1 (plain sharing), 5.45/12.04 and 3.46/9.20
 * with 0.5; without logins every weight gives 4.74/8.39 and 2.97/6.20. A request's CPU comes in
 * many short bursts (the loop, then a database backend, then the loop again), and each burst that
 * wakes beside a running hash may wait out part of its slice: more than priority, less than an
 * even share. That host shares a core per process (Linux's autogroup, measured 2026-12-04: each
 * unit and each PostgreSQL backend a share of its own, a unit's loop and pool threads splitting
 * one), which this weight stood in for: HostModel.sharing 'process' models it with no weight
 * (des/host-groups.ts), and validate-model uses it where the platform measurement found it.
 */
export const DEFAULT_POOL_WEIGHT = 0.5;
