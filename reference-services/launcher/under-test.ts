// What load testing asks of the reference services besides starting a layout (layout.ts): which
// domains they implement (a blueprint with others has nothing to start), how durable their
// PostgreSQL runs, and what an event on their cross-unit queue costs (calibrate --platform). One module, imported lazily by src/loadtest/layout-run.ts, so the load tester
// reaches the reference services only through this folder (test/structure.test.ts checks it).
export { domainModules } from '../domains/index.js';
export { moduleSurfaces, type ModuleSurface } from './surface.js';
export { durabilityOf, settleAfterLoad } from '../runtime/postgres.js';
export { openEventBacklog } from '../runtime/event-backlog.js';
export { measureEventQueue } from './event-queue-bench.js';
export { measureDbColdVisits } from './db-cold-bench.js';
// The platform benchmark runs the reference gateway alone, in front of its echo server.
export { program } from './layout.js';
