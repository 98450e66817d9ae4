import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { generate } from '../../src/generate/index.js';
import { isScaffolded, layoutToGenerate } from '../../src/generate/common.js';
import { pairs, quantchat } from './fixtures.js';

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
    // Only the units archsim scaffolds export /metrics: a Python, Go or image unit is named, not scraped.
    const units = layoutToGenerate(bp, layout).units;
    const scraped = units.filter(isScaffolded);
    expect(prom.scrape_configs.map((j) => j.job_name)).toEqual(scraped.map((u) => u.name));
    for (const u of scraped) {
      const job = prom.scrape_configs.find((j) => j.job_name === u.name)!;
      expect(job.dns_sd_configs).toEqual([{ names: [u.name], type: 'A', port: u.port, refresh_interval: '30s' }]);
    }
    for (const u of units.filter((x) => !isScaffolded(x))) expect(files[3]!.content).toMatch(new RegExp(`^# Not scraped .*\\b${u.name}\\b`, 'm'));
    const dash = JSON.parse(files[0]!.content);
    expect(dash.schemaVersion).toBeGreaterThan(30);
    const ids = dash.panels.map((p: { id: number }) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(dash.panels.filter((p: { type: string }) => p.type === 'row')).toHaveLength(scraped.length);
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
