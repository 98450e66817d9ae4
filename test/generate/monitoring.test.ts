import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { generate } from '../../src/generate/index.js';
import { pairs, quantchat } from './fixtures.js';

describe('monitoring', () => {
  it.each(pairs)('$name: a scrape job per unit with a target per replica, and a dashboard that is valid JSON', ({ bp, layout }) => {
    const files = generate('monitoring', bp, layout);
    expect(files.map((f) => f.path)).toEqual(['monitoring/grafana-dashboard.json', 'monitoring/prometheus.yml']);
    const prom = parse(files[1]!.content) as { global: { scrape_interval: string }; scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[] };
    const units = Object.entries(bp.layouts[layout]!.units);
    expect(prom.scrape_configs.map((j) => j.job_name)).toEqual(units.map(([n]) => n));
    for (const [name, u] of units) {
      const job = prom.scrape_configs.find((j) => j.job_name === name)!;
      expect(job.static_configs[0]!.targets).toHaveLength(u.replicas);
      for (const t of job.static_configs[0]!.targets) expect(t).toMatch(new RegExp(`^${bp.metadata.name}-${name}-\\d+:${u.port}$`));
    }
    const dash = JSON.parse(files[0]!.content);
    expect(dash.schemaVersion).toBeGreaterThan(30);
    const ids = dash.panels.map((p: { id: number }) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
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
