// The DES's vocabulary, in one place. The engine is SimPy-shaped: a clock (engine.ts), a
// future-event list (kernel.ts), processes (a request is a token running its compiled program,
// engine.ts), and resources (stations.ts, ps-pool.ts). Everything is an index into typed arrays
// so the steady state allocates nothing; these are the index names used across the files:
//
//   station  s   a station of the compiled network (unit, datastore, gateway, broker, driver):
//                c.stations[s]. A station has `replicas`, each a queue with `servers`.
//   replica  r   one replica's queue, numbered across all stations: station s owns replicas
//                firstReplica[s] … firstReplica[s] + allocated[s] − 1 (allocated up to the
//                autoscaler's maximum; `active[s]` of them take work).
//   edge     e   a framed call edge (timeout, retries, breaker, optional): c.edges[e].
//   dist     d   a service-time or delay distribution: c.dists[d] (sampler.ts).
//   token    t   a running program: a request from outside (op ≥ 0) or detached work (op = −1:
//                an event's consumers, or a callee's work the caller stopped waiting for).
//   pool         a processor-sharing pool of cores (ps-pool.ts): a PS replica's own cores, or
//                the shared host (--host-cores); shared per process, one pool a process
//                (host-groups.ts); or, in time slices (--cpu-slice), the one host object of
//                sliced-host.ts, which EV_POOL_WAKE names like a pool (aux: its core and turn).
//   program pc   instructions of 4 int32s (compile.ts: OP_VISIT station dist, OP_DELAY dist,
//                OP_SPAWN program, OP_BEGIN edge endPc, OP_END edge, OP_CHECK station,
//                OP_ARRIVE station).
//
// One request's path, in the order it runs (test/meta/des-path.test.ts keeps it under 400 lines):
//
//   arrivals.ts  Arrivals.arrive, schedule, pick       an open-workload arrival picks its operation
//   engine.ts    Sim.startRequest, exec, finish        a token runs the operation's program
//   stations.ts  Stations.visit, pick, serve,          OP_VISIT: a replica, a server or the line
//                run, serviceDone
//   sampler.ts   Sampler.draw                          the service time (or a delay's)
//   kernel.ts    EventHeap.push, pop; Lanes.push, pop  the future-event list
//   engine.ts    Sim.run                               the loop hands each event to its handler
//   calls.ts     Calls.begin, end                      OP_BEGIN/OP_END of a call with a policy
//   tokens.ts    Tokens.take, release                  the pooled process
//   measure.ts   Measure.enter, leave                  what a finished request adds to the figures
//
// A paced stream's request (workload `arrivals: paced`) runs Arrivals.paced and nextOfMix in place of
// schedule and pick (nextOfMix lives in model/mix-order.ts, shared with the load driver); the test
// counts that path too. A visit that woke its process with work after the answer (cold-visit.ts
// afterMs) also runs Stations.holdAfter, counted with the rest.
//
// An event is four numbers (time, kind, id, aux). What id and aux mean depends on the kind:

/** A token continues its program (after a delay, a backoff, a retry). id = token. */
export const EV_RESUME = 0;
/** A server finished a token's service at replica tok.replica. id = token. */
export const EV_SERVICE_DONE = 1;
/** The next open-workload arrival of a stream. id = stream. */
export const EV_ARRIVAL = 2;
/** A closed-workload user ends its think time. id = user. */
export const EV_USER = 3;
/** A call's timeout. id = token, aux = the frame's generation (stale timers find no frame). */
export const EV_TIMEOUT = 4;
/** A PS pool's next completion. id = pool, aux = pool version (stale wake-ups are ignored). */
export const EV_POOL_WAKE = 5;
/** Measurement, faults, autoscaling (control.ts). id = one of the CTL_ kinds, aux = argument. */
export const EV_CONTROL = 6;

/** Start of the measured window (after warm-up). */
export const CTL_MEASURE_START = 0;
/** End of the measured window. */
export const CTL_MEASURE_END = 1;
/** aux = fault index in the scenario. */
export const CTL_FAULT_START = 2;
export const CTL_FAULT_END = 3;
/** The autoscaler's periodic decision. */
export const CTL_AUTOSCALE = 4;
/** New replicas become ready. aux = index of the scale-up order (control.ts). */
export const CTL_SCALE_UP = 5;
