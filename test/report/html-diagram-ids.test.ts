// Two rendered diagrams in one HTML report. mermaid-cli gives every SVG the root id "my-svg" and
// prefixes every id and style rule inside with it, so a report with two layouts repeated each id
// (invalid HTML; the second diagram's arrows and styles resolved to the first one's). Each
// diagram now gets its own root id; text that merely reads "my-svg" is left alone.
import { describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/report/html.js';
import { fullReport } from './report-data.js';

const svg = (label: string) =>
  `<svg id="my-svg" aria-roledescription="flowchart-v2"><style>#my-svg{fill:#333}#my-svg .node rect{stroke:#000}</style>` +
  `<marker id="my-svg_flowchart-v2-pointEnd"/><g id="my-svg-units"/><path marker-end="url(#my-svg_flowchart-v2-pointEnd)"/><text>${label} my-svg</text></svg>`;

describe('diagrams in the HTML report', () => {
  it('each SVG has ids of its own, references and style rules following them', () => {
    const html = renderHtml(fullReport(), { diagrams: { mono: 'flowchart LR\n  a --> b\n', split: 'flowchart LR\n  c --> d\n' }, diagramSvgs: { mono: svg('mono'), split: svg('split') } });
    const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
    expect(html).toContain(
      '<svg id="archsim-diagram-0" aria-roledescription="flowchart-v2"><style>#archsim-diagram-0{fill:#333}#archsim-diagram-0 .node rect{stroke:#000}</style>' +
        '<marker id="archsim-diagram-0_flowchart-v2-pointEnd"/><g id="archsim-diagram-0-units"/><path marker-end="url(#archsim-diagram-0_flowchart-v2-pointEnd)"/><text>mono my-svg</text></svg>',
    );
    expect(html).toContain('<path marker-end="url(#archsim-diagram-1_flowchart-v2-pointEnd)"/><text>split my-svg</text>');
  });
});
