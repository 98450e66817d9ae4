// Prometheus scrape configuration and a Grafana dashboard with the RED metrics (rate, errors,
// duration) of every unit, read from prom-client's http_request_duration_seconds histogram,
// which the scaffolded services export with method, route and status_code labels.
// Only units archsim scaffolds over HTTP are scraped: they serve /metrics on their one port. A
// gRPC scaffold has no HTTP listener, and an image or another runtime is its owner's code: each
// is named in the header for its owner to add a job, never scraped blind (k8s.ts annotates the
// same pods; test/generate/monitoring.test.ts checks Prometheus, compose, Kubernetes and the
// scaffold agree).
import type { ResolvedUnit } from '../model/resolve.js';
import type { Blueprint } from '../model/schema.js';
import { exportsMetrics, generatedHeader, layoutToGenerate, toYaml, type GenerateOptions, type GeneratedFile } from './common.js';

/** The units whose /metrics exists: the ones archsim scaffolds. */
export function scrapedUnits(units: ResolvedUnit[]): ResolvedUnit[] {
  return units.filter(exportsMetrics);
}

export function prometheusConfig(bp: Blueprint, layout: string): string {
  const r = layoutToGenerate(bp, layout);
  const scraped = scrapedUnits(r.units);
  const others = r.units.filter((u) => !scraped.includes(u));
  const config = {
    global: { scrape_interval: '15s', evaluation_interval: '15s' },
    scrape_configs: scraped.map((u) => ({
      job_name: u.name,
      metrics_path: '/metrics',
      // The compose service name resolves to every replica's address (Docker's DNS): each
      // replica is a target, however many run.
      dns_sd_configs: [{ names: [u.name], type: 'A', port: u.port, refresh_interval: '30s' }],
      relabel_configs: [
        { target_label: 'unit', replacement: u.name },
        { target_label: 'layout', replacement: layout },
      ],
    })),
  };
  const header = generatedHeader(
    bp,
    layout,
    [
      'Prometheus scrape configuration for the compose file: one job per unit archsim scaffolds (they export /metrics), every replica by DNS.',
      others.length ? `Not scraped (their own code; add a job if they export metrics): ${others.map((u) => u.name).join(', ')}.` : '',
      'On Kubernetes, scrape pods by their prometheus.io/* annotations instead (kubernetes_sd_configs).',
    ]
      .filter(Boolean)
      .join('\n'),
  );
  return toYaml(config, header);
}

/** Grafana provisioning: Prometheus as the default data source, the dashboard from a file. */
function grafanaProvisioning(bp: Blueprint, layout: string): GeneratedFile[] {
  const datasources = {
    apiVersion: 1,
    // $PROMETHEUS_URL comes from the compose file (Grafana expands environment variables here).
    datasources: [{ name: 'Prometheus', type: 'prometheus', access: 'proxy', url: '$PROMETHEUS_URL', isDefault: true, editable: false }],
  };
  const dashboards = {
    apiVersion: 1,
    providers: [{ name: 'archsim', type: 'file', disableDeletion: true, allowUiUpdates: false, options: { path: '/etc/grafana/dashboards' } }],
  };
  return [
    { path: 'monitoring/grafana/provisioning/datasources/prometheus.yml', content: toYaml(datasources, generatedHeader(bp, layout, 'Grafana data source: the compose file\'s Prometheus.')) },
    { path: 'monitoring/grafana/provisioning/dashboards/archsim.yml', content: toYaml(dashboards, generatedHeader(bp, layout, 'Grafana dashboards: the generated RED dashboard (monitoring/grafana-dashboard.json).')) },
  ];
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
  for (const u of scrapedUnits(r.units)) {
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
    ...grafanaProvisioning(bp, layout),
  ];
}
