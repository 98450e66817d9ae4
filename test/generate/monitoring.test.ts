import { readFileSync } from 'node:fs';
import { parse, parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { generate } from '../../src/generate/index.js';
import { exportsMetrics, layoutToGenerate } from '../../src/generate/common.js';
import { parseBlueprint } from '../../src/model/parse.js';
import type { Blueprint } from '../../src/model/schema.js';
import { pairs, quantchat } from './fixtures.js';

function fixture(name: string): Blueprint {
  const r = parseBlueprint(readFileSync(new URL(`../fixtures/generate/${name}`, import.meta.url), 'utf8'), name);
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('\n'));
  return r.blueprint;
}
// The bundled layouts and the generator fixtures' (a Node gRPC unit, an image, other runtimes).
const withGrpc = [
  ...pairs,
  ...(['shop.yaml', 'rpc.yaml'] as const).flatMap((f) => {
    const bp = fixture(f);
    return Object.keys(bp.layouts).map((layout) => ({ name: `${bp.metadata.name}/${layout}`, bp, layout }));
  }),
];

describe('monitoring', () => {
  it.each(pairs)('$name: a scrape job per unit that exports /metrics (every replica by DNS), Grafana provisioning, a dashboard that is valid JSON', ({ bp, layout }) => {
    const files = generate('monitoring', bp, layout);
    expect(files.map((f) => f.path)).toEqual([
      'monitoring/grafana-dashboard.json',
      'monitoring/grafana/provisioning/dashboards/archsim.yml',
      'monitoring/grafana/provisioning/datasources/prometheus.yml',
      'monitoring/prometheus.yml',
    ]);
    const prom = parse(files[3]!.content) as { scrape_configs: { job_name: string; dns_sd_configs: { names: string[]; type: string; port: number }[] }[] };
    // Only the units archsim scaffolds over HTTP export /metrics: a Python, Go, image or gRPC unit is named, not scraped.
    const units = layoutToGenerate(bp, layout).units;
    const scraped = units.filter(exportsMetrics);
    expect(prom.scrape_configs.map((j) => j.job_name)).toEqual(scraped.map((u) => u.name));
    for (const u of scraped) {
      const job = prom.scrape_configs.find((j) => j.job_name === u.name)!;
      expect(job.dns_sd_configs).toEqual([{ names: [u.name], type: 'A', port: u.port, refresh_interval: '30s' }]);
    }
    for (const u of units.filter((x) => !exportsMetrics(x))) expect(files[3]!.content).toMatch(new RegExp(`^# Not scraped .*\\b${u.name}\\b`, 'm'));
    const dash = JSON.parse(files[0]!.content);
    expect(dash.schemaVersion).toBeGreaterThan(30);
    const ids = dash.panels.map((p: { id: number }) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(dash.panels.filter((p: { type: string }) => p.type === 'row')).toHaveLength(scraped.length);
  });

  // Prometheus, compose, Kubernetes and the scaffold agree: a unit is scraped exactly where its
  // scaffold serves /metrics, on a port its compose service exposes and its pod declares.
  it.each(withGrpc)('$name: every scrape target is a /metrics the scaffold serves on a port compose and Kubernetes expose', ({ bp, layout }) => {
    const all = generate('all', bp, layout);
    const file = (path: string) => all.find((f) => f.path === path)?.content;
    const prom = parse(file('monitoring/prometheus.yml')!) as { scrape_configs: { job_name: string; metrics_path: string; dns_sd_configs: { names: string[]; port: number }[] }[] };
    const compose = parse(file('docker-compose.yml')!) as { services: Record<string, { expose?: string[] }> };
    const targets = prom.scrape_configs.map((j) => ({ unit: j.job_name, path: j.metrics_path, names: j.dns_sd_configs.flatMap((d) => d.names), port: j.dns_sd_configs[0]!.port }));
    for (const t of targets) {
      expect(t.path).toBe('/metrics');
      expect(t.names).toEqual([t.unit]);
      expect(compose.services[t.unit]?.expose, `${t.unit} in compose`).toContain(String(t.port));
    }
    const withMetrics = layoutToGenerate(bp, layout).units.filter((u) => file(`services/${u.name}/src/metrics.ts`) !== undefined).map((u) => u.name);
    expect(targets.map((t) => t.unit).sort()).toEqual(withMetrics.sort());
    // Kubernetes: the pods annotated for scraping are the same units, on their container's port.
    const annotated: string[] = [];
    for (const f of generate('k8s', bp, layout).filter((x) => x.path.endsWith('deployment.yaml'))) {
      for (const d of parseAllDocuments(f.content).map((x) => x.toJS() as any)) {
        if (d?.kind !== 'Deployment') continue;
        const a = d.spec.template.metadata.annotations ?? {};
        if (a['prometheus.io/scrape'] !== 'true') continue;
        annotated.push(d.metadata.name);
        expect(a['prometheus.io/path']).toBe('/metrics');
        expect(d.spec.template.spec.containers[0].ports.map((p: { containerPort: number }) => String(p.containerPort))).toContain(a['prometheus.io/port']);
        expect(a['prometheus.io/port']).toBe(String(targets.find((t) => t.unit === d.metadata.name)!.port));
      }
    }
    expect(annotated.sort()).toEqual(withMetrics.sort());
  });

  it('a Node gRPC unit (its scaffold has no HTTP listener) is named in the header, not scraped', () => {
    const bp = fixture('rpc.yaml');
    const prom = generate('monitoring', bp, 'split').find((f) => f.path === 'monitoring/prometheus.yml')!.content;
    expect((parse(prom) as { scrape_configs: { job_name: string }[] }).scrape_configs.map((j) => j.job_name)).toEqual(['web']);
    expect(prom).toMatch(/^# Not scraped .*: rpc-svc, oi-svc\.$/m);
  });

  it('shows rate, errors and duration quantiles per unit from http_request_duration_seconds', () => {
    const dash = JSON.parse(generate('monitoring', quantchat, 'microservices')[0]!.content);
    const exprs = (title: string) => dash.panels.find((p: { title: string }) => p.title === title).targets.map((t: { expr: string }) => t.expr);
    expect(exprs('auth-service: request rate')[0]).toBe('sum by (route) (rate(http_request_duration_seconds_count{job="auth-service"}[$__rate_interval]))');
    expect(exprs('auth-service: error ratio (5xx)')[0]).toContain('status_code=~"5.."');
    expect(exprs('auth-service: duration')).toEqual([0.5, 0.95, 0.99].map((q) => `histogram_quantile(${q}, sum by (le) (rate(http_request_duration_seconds_bucket{job="auth-service"}[$__rate_interval])))`));
    expect(dash.panels.filter((p: { type: string }) => p.type === 'row')).toHaveLength(8);
  });
});
