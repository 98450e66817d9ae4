// Prometheus scrape configuration and a Grafana dashboard with the RED metrics (rate, errors,
// duration) of every unit, read from prom-client's http_request_duration_seconds histogram,
// which the scaffolded services export with method, route and status_code labels.
import type { Blueprint } from '../model/schema.js';
import { generatedHeader, layoutToGenerate, toYaml, type GenerateOptions, type GeneratedFile } from './common.js';

export function prometheusConfig(bp: Blueprint, layout: string): string {
  const r = layoutToGenerate(bp, layout);
  const config = {
    global: { scrape_interval: '15s', evaluation_interval: '15s' },
    scrape_configs: r.units.map((u) => ({
      job_name: u.name,
      metrics_path: '/metrics',
      static_configs: [
        {
          // docker compose names replica n of a service <project>-<service>-<n>.
          targets: Array.from({ length: u.replicas }, (_, i) => `${bp.metadata.name}-${u.name}-${i + 1}:${u.port}`),
          labels: { unit: u.name, layout },
        },
      ],
    })),
  };
  const header = generatedHeader(
    bp,
    layout,
    'Prometheus scrape configuration: one job per unit, one target per replica (compose container names).\nOn Kubernetes, scrape pods by their prometheus.io/* annotations instead (kubernetes_sd_configs).',
  );
  return toYaml(config, header);
}

const DS = { type: 'prometheus', uid: '${datasource}' };

export function grafanaDashboard(bp: Blueprint, layout: string): Record<string, unknown> {
  const r = layoutToGenerate(bp, layout);
  const panels: Record<string, unknown>[] = [];
  let id = 1;
  let y = 0;
  const panel = (title: string, x: number, unit: string, targets: { expr: string; legendFormat: string }[]) => ({
    id: id++,
    type: 'timeseries',
    title,
    datasource: DS,
    gridPos: { h: 8, w: 8, x, y },
    fieldConfig: { defaults: { unit }, overrides: [] },
    options: { legend: { displayMode: 'list', placement: 'bottom' }, tooltip: { mode: 'multi' } },
    targets: targets.map((t, i) => ({ refId: String.fromCharCode(65 + i), datasource: DS, ...t })),
  });
  for (const u of r.units) {
    const sel = `job="${u.name}"`;
    panels.push({ id: id++, type: 'row', title: `${u.name} (${u.domains.join(', ')})`, collapsed: false, gridPos: { h: 1, w: 24, x: 0, y }, panels: [] });
    y += 1;
    panels.push(
      panel(`${u.name}: request rate`, 0, 'reqps', [{ expr: `sum by (route) (rate(http_request_duration_seconds_count{${sel}}[$__rate_interval]))`, legendFormat: '{{route}}' }]),
      panel(`${u.name}: error ratio (5xx)`, 8, 'percentunit', [
        {
          expr: `sum(rate(http_request_duration_seconds_count{${sel},status_code=~"5.."}[$__rate_interval])) / clamp_min(sum(rate(http_request_duration_seconds_count{${sel}}[$__rate_interval])), 1e-9)`,
          legendFormat: 'errors',
        },
      ]),
      panel(
        `${u.name}: duration`,
        16,
        's',
        [0.5, 0.95, 0.99].map((q) => ({
          expr: `histogram_quantile(${q}, sum by (le) (rate(http_request_duration_seconds_bucket{${sel}}[$__rate_interval])))`,
          legendFormat: `p${Math.round(q * 100)}`,
        })),
      ),
    );
    y += 8;
  }
  return {
    title: `${bp.metadata.title ?? bp.metadata.name} — ${layout} (RED)`,
    uid: `archsim-${bp.metadata.name}-${layout}`.slice(0, 40),
    tags: ['archsim', bp.metadata.name, layout],
    timezone: 'browser',
    schemaVersion: 39,
    version: 1,
    editable: true,
    refresh: '30s',
    time: { from: 'now-1h', to: 'now' },
    templating: { list: [{ name: 'datasource', label: 'Data source', type: 'datasource', query: 'prometheus', current: {}, hide: 0 }] },
    annotations: { list: [] },
    panels,
  };
}

export function monitoringFiles(bp: Blueprint, layout: string, _opts: GenerateOptions = {}): GeneratedFile[] {
  return [
    { path: 'monitoring/prometheus.yml', content: prometheusConfig(bp, layout) },
    { path: 'monitoring/grafana-dashboard.json', content: `${JSON.stringify(grafanaDashboard(bp, layout), null, 2)}\n` },
  ];
}
