// Generation's door: (blueprint, layout, options) → files with deterministic bytes. Pure; the
// CLI writes them with src/io/write-files.ts.
import type { Blueprint } from '../model/schema.js';
import { GenerateError, layoutToGenerate, type GenerateOptions, type GeneratedFile } from './common.js';
import { composeFiles } from './compose.js';
import { gatewayFiles } from './gateway.js';
import { k6Drivable, k6Files } from './k6.js';
import { k8sFiles } from './k8s.js';
import { monitoringFiles } from './monitoring.js';
import { scaffoldFiles } from './scaffold.js';

export const TARGETS = ['compose', 'k8s', 'gateway', 'monitoring', 'k6', 'scaffold', 'all'] as const;
export type Target = (typeof TARGETS)[number];

const GENERATORS: Record<Exclude<Target, 'all'>, (bp: Blueprint, layout: string, opts: GenerateOptions) => GeneratedFile[]> = {
  compose: composeFiles,
  k8s: k8sFiles,
  gateway: gatewayFiles,
  monitoring: monitoringFiles,
  k6: k6Files,
  scaffold: scaffoldFiles,
};

/**
 * The files of one target, sorted by path. "all" is the scaffold plus the monitoring and k6
 * files, and the gateway's only where the layout declares one (each path once: the generators
 * agree on shared files byte for byte). With the monitoring files, compose runs Prometheus and
 * Grafana on them.
 */
export function generate(target: Target, bp: Blueprint, layout: string, opts: GenerateOptions = {}): GeneratedFile[] {
  if (!(TARGETS as readonly string[]).includes(target)) throw new GenerateError(`unknown target "${target}"; targets: ${TARGETS.join(', ')}`);
  let parts: Exclude<Target, 'all'>[] = [target as Exclude<Target, 'all'>];
  if (target === 'all') {
    // k6 only where it has something to drive (a layout of event consumers alone has no route).
    parts = ['scaffold', 'monitoring', ...(k6Drivable(bp, layout) ? (['k6'] as const) : [])];
    if (layoutToGenerate(bp, layout).layout.gateway) parts.push('gateway');
    opts = { ...opts, monitoring: true };
  }
  const byPath = new Map<string, GeneratedFile>();
  for (const t of parts) {
    for (const f of GENERATORS[t](bp, layout, opts)) {
      const prev = byPath.get(f.path);
      if (prev && prev.content !== f.content) throw new Error(`generators disagree on ${f.path}`);
      byPath.set(f.path, f);
    }
  }
  return [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export { GenerateError, type GenerateOptions, type GeneratedFile, type GatewayKind } from './common.js';
export { k6Drivable, k6Script, type K6Options } from './k6.js';
export { composeDocument } from './compose.js';
export { k8sObjects } from './k8s.js';
export { gatewayRoutes } from './gateway.js';
export { grafanaDashboard, prometheusConfig } from './monitoring.js';
