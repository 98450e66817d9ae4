// The schedule's durations are the effort model's working days ("about N working days"), so the
// Mermaid gantt excludes weekends: without it Mermaid lays the days out on the calendar and the
// chart ends about two sevenths too early (37 working days from Monday 5 January drawn as ending
// 10 February instead of 24 February).
import { describe, expect, it } from 'vitest';
import { plan } from '../../src/plan/index.js';
import { renderPlanMarkdown } from '../../src/plan/markdown.js';
import { quantchat } from '../generate/fixtures.js';

describe('plan: the gantt counts working days', () => {
  const { plan: p } = plan(quantchat, { from: 'monolith', to: 'microservices', start: '2026-01-05' });

  it('excludes weekends, in the plan and in its markdown', () => {
    expect(p.gantt.split('\n').slice(0, 5)).toEqual(['gantt', '    title quantchat monolith to microservices', '    dateFormat YYYY-MM-DD', '    axisFormat %d %b', '    excludes weekends']);
    expect(renderPlanMarkdown(p)).toContain('    axisFormat %d %b\n    excludes weekends\n    section ');
  });
});
