// Help text about scenarios, in a module with no imports: the command files that use it load
// whenever `archsim --help` does.
export const SCENARIO_DEFAULT_HELP =
  "default: the files the blueprint lists under `scenarios:`, else the automatic scenarios derived from it; `auto` runs every automatic scenario, `auto:<name>` one of them";

export const AUTO_SCENARIO_HELP = `
Automatic failure scenarios (derived from any blueprint; named from its own domains, tables and operations):
  auto:<domain>-down          the unit running <domain> is down for 15 s
  auto:<domain>-slow          the unit running <domain> serves ×4 slower for 15 s
  auto:<domain>-<engine>-down the datastore holding <domain>'s tables is down (one per store of the domain;
                              auto:<domain>-store-down where the layouts keep them in different engines)
  auto:broker-down            the message broker is down (when a layout has one)
  auto:spike-<operation>      the busiest operation at ×4 its usual rate for 15 s
An unknown auto: name lists the blueprint's own; \`archsim inspect\` lists them too.`;

/** Where a hop's costs come from (simulate, compare, lint). */
export const HOP_COST_HELP = `
Hop costs: a call between units costs its protocol's figures on each side and each way:
layouts.<name>.network (latency, cpuPerCall, cpuPerKiB) for HTTP, network.grpc for gRPC calls
(protocol: grpc on the layout, a unit or a call). What network.grpc leaves out is the HTTP
figure; \`archsim lint\` (grpc-hop-cost) names the layouts whose gRPC calls run on it.`;
