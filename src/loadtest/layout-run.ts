// Load-testing a layout of the bundled reference services: start it, seed it, drive it, stop it.
//
// WIRING POINT (issue 6, reference services): `startLayoutUnderTest` below is the one function
// left to fill in when the reference-services runtime is merged. It must
//   1. start the layout with startLayout() from the reference-services runtime (embedded
//      PostgreSQL by default), as `archsim up` does;
//   2. seed realistic data (users, contacts, groups, conversations);
//   3. return the base URL (the gateway, or the single unit), the processes to measure (each
//      unit's pid with role 'unit', each datastore's with role 'datastore' and tree: true so
//      PostgreSQL's backends count), a scenario module reference whose operations build the
//      requests of each operation in `plan.mix` (the reference services' request builders), and
//      a stop() that ends every process it started.
// Everything after that (pinning, /proc sampling, driving, the result) is done by
// loadTestTarget / runK6 and needs no change.
import type { Blueprint } from '../model/schema.js';
import type { LoadPlan } from './plan.js';
import type { ProcTarget } from './proc.js';
import type { ScenarioRef } from './scenario.js';

export type SystemUnderTest = {
  baseUrl: string;
  processes: ProcTarget[];
  scenario: ScenarioRef;
  stop(): Promise<void>;
};

export class NotWiredYet extends Error {
  override name = 'NotWiredYet';
}

export async function startLayoutUnderTest(bp: Blueprint, blueprintFile: string, layout: string, plan: LoadPlan): Promise<SystemUnderTest> {
  void bp;
  void blueprintFile;
  void plan;
  throw new NotWiredYet(
    `starting layout "${layout}" needs the reference services, which are not in this build yet; load-test a running system with --target http://127.0.0.1:PORT --scenario FILE`,
  );
}

/**
 * WIRING POINT (generate k6): the k6 script for a layout's workload, `k6Script(bp, layout, opts)`
 * from src/generate/k6.ts, pointed at the started system's base URL. One call once it is merged.
 */
export async function k6ScriptForLayout(bp: Blueprint, layout: string, plan: LoadPlan, baseUrl: string): Promise<string> {
  void bp;
  void plan;
  void baseUrl;
  throw new NotWiredYet(`the k6 script for layout "${layout}" comes from \`archsim generate k6\`, which is not in this build yet; pass --target URL --k6-script FILE`);
}
