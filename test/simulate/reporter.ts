// /tmp/unseen4/single.yaml, shared by the report and compare tests of low rates: reports.generate
// (uniform 200 ms–2 s, 40 reads, 2 writes) and reports.status (0.3 ms, 1 read) on one quarter-core
// worker, in one layout `only`; each case gives its own `workload:` body (YAML, indented two spaces).
import type { Blueprint } from '../../src/model/schema.js';
import { bp } from './helpers.js';

export const REPORTER = (workload: string): Blueprint =>
  bp(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: cron-reporter, title: "Nightly reporter" }
system:
  domains:
    reports:
      tables: [report_runs]
      operations:
        generate:
          route: POST /reports
          cpu: { dist: uniform, min: 200ms, max: 2s }
          db: { reads: 40, writes: 2 }
          budget: { p95: 5s }
        status:
          route: GET /reports/{id}
          cpu: { dist: const, mean: 0.3ms }
          db: { reads: 1 }
layouts:
  only:
    units:
      worker: { domains: "*", port: 9000, instance: tiny }
    datastores:
      db: { engine: mysql, instance: tiny-db, tables: "*" }
workload:
${workload}
catalog:
  tiny: { kind: compute, vcpu: 0.25, memoryMiB: 512, usdPerMonth: $3.5 }
  tiny-db: { kind: database, vcpu: 1, memoryMiB: 1024, usdPerMonth: 12 USD }
`);

/** single.yaml's own workload: 0.01/s for an hour, one report generated per three status reads. */
export const SINGLE_WORKLOAD = '  rate: 0.01/s\n  duration: 1h\n  mix: { reports.generate: 1, reports.status: 3 }';
