// `archsim report --calibration`: the markdown (the pull-request comment) and the HTML page say
// which figures the calibration set, measured on which layout and host, when, and that the rest
// are the blueprint's own — in the words `compare --calibration` prints (readCalibration's lines,
// one source). Everything taken from the calibration file or its name is hostile text: escaped
// for markdown, for HTML and for the terminal. Also: `--layouts` naming a layout twice is refused.
// Real CLI processes on the bundled QuantChat blueprint (monolith only, no fault runs: ~2 s each).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../src/report/markdown.js';
import { renderReport } from '../../src/report/run.js';
import { Report } from '../../src/report/schema.js';
import { archsim, ROOT } from '../helpers/cli.js';
import { fullReport } from './report-data.js';

const dir = mkdtempSync(join(tmpdir(), 'archsim-report-cal-'));
// A file name with a line break, a heading, a tag and a code span (no "/": it is one name).
const overlay = join(dir, 'cal\n# HDR <img src=x> `t`.yaml');
// The header overlayYaml writes (loadtest/calibrate.ts), with hostile text where a result file's
// machine and a run file's name go: tags, a link, backticks, an OSC 52 clipboard write (ESC … BEL),
// and a carriage return.
const MACHINE = '2 cores, <script>alert(1)</script> [x](javascript:alert(1)) `tick` \u001b]52;c;aGk=\u0007 EPYC, Node v20';
const RUN1 = 'r`1`.json <img src=x onerror=alert(1)>: 2026-11-22T05:17:45.181Z, embedded driver, open model at 50/s, 10 s, 500 requests';
const RUN2 = '[r2](https://evil.example/x): 2026-11-23T01:02:03.000Z\r, embedded driver, open model at 80/s, 10 s, 800 requests';
writeFileSync(
  overlay,
  `# Calibrated by \`archsim calibrate\` from 2 measured runs of layout monolith.
# Machine: ${MACHINE}.
# Runs:
#   ${RUN1}
#   ${RUN2}
# Method (per measured process):
#   unit backend: one operation mix
extends: ${join(ROOT, 'blueprints/quantchat.yaml')}
system:
  domains:
    messages:
      operations:
        send:
          cpu: 9ms
`,
);

/** The file name and machine as markdown text (plan/markdown.ts mdText): one line, markup escaped, control characters shown. */
const FILE_MD = `${dir}/cal \\# HDR \\<img src=x\\> \\\`t\\\`.yaml`;
const MACHINE_MD = '2 cores, \\<script\\>alert(1)\\</script\\> \\[x\\](javascript:alert(1)) \\`tick\\` \\x1b\\]52;c;aGk=\\x07 EPYC, Node v20';
const HOST_MODEL = 'host model: each unit on its own instance (the report shows deployment figures with the calibrated CPU; archsim compare --calibration shows the calibration host)';

/** Every tag of a page that runs script or fetches (as in hostile-text.test.ts). */
const activeTags = (html: string) => (html.match(/<[^<>]*>/g) ?? []).filter((tag) => /^<(script|img|iframe|object|embed)\b/i.test(tag) || /javascript:|\son\w+\s*=/i.test(tag));

describe('report --calibration: the report itself says which figures are calibrated', () => {
  it('markdown, HTML, JSON and the terminal, with a hostile header and file name', () => {
    const out = join(dir, 'out');
    const r = archsim(['report', 'blueprints/quantchat.yaml', '--layouts', 'monolith', '--no-faults', '--calibration', overlay, '--format', 'md,json', '--out', out]);
    expect(r.code, r.stderr).toBe(0);

    // JSON: the calibration as read, strings as the file has them; the notes are the lines stderr prints.
    const json = Report.parse(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')));
    const cal = json.calibration!;
    expect([cal.file, cal.layout, cal.machine, cal.runs, cal.calibrated]).toEqual([overlay, 'monolith', MACHINE, [RUN1, RUN2], ['messages.send']]);
    const own = cal.notes[1]!;
    expect(own.startsWith("the blueprint's own: operations auth.register, auth.login, auth.me,")).toBe(true);
    expect(own.endsWith(', realtime.broadcast-group; network, payloads, instances, replicas and costs')).toBe(true);
    // --no-faults: the method line names no fault isolation (the DES runs for the figures at the rate end it).
    expect(json.method.endsWith('; the load curves stay analytic). Discrete-event runs for the figures at the rate: monolith 60000 simulated requests in 3 replications, seed 1.')).toBe(true);
    expect(json.method).not.toContain('fault isolation');
    expect(cal.notes).toEqual([`calibrated (${overlay}, measured on layout monolith, host ${MACHINE}): CPU/wait/query times of 1 operation: messages.send`, own, HOST_MODEL]);

    // Markdown: right under the summary, every line escaped, each starting with archsim's words.
    const md = readFileSync(join(out, 'report.md'), 'utf8');
    const block = [
      "**Calibrated figures**: measured figures replace some of the blueprint's own, as follows.",
      '',
      `- calibrated (${FILE_MD}, measured on layout monolith, host ${MACHINE_MD}): CPU/wait/query times of 1 operation: messages.send`,
      `- ${own}`,
      `- ${HOST_MODEL}`,
      '- measured: r\\`1\\`.json \\<img src=x onerror=alert(1)\\>: 2026-11-22T05:17:45.181Z, embedded driver, open model at 50/s, 10 s, 500 requests; \\[r2\\](https://evil.example/x): 2026-11-23T01:02:03.000Z , embedded driver, open model at 80/s, 10 s, 800 requests',
      '',
      'Workload: 200/s',
    ].join('\n');
    // the blueprint's own operation budgets are checked too (blueprint-budgets.ts): the summary says so
    expect(md).toContain(`per month. ✅ all 4 budgets met.\n\n${block}`);
    expect(md).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);

    // HTML (the same markdown through the report's renderer): text, no tag from the file, no heading of its own.
    const html = renderReport('html', { report: json, diagrams: {} });
    expect(activeTags(html)).toEqual([]);
    expect(html).toContain(
      `<li>calibrated (${dir}/cal # HDR &lt;img src=x&gt; \`t\`.yaml, measured on layout monolith, host 2 cores, &lt;script&gt;alert(1)&lt;/script&gt; [x](javascript:alert(1)) \`tick\` \\x1b]52;c;aGk=\\x07 EPYC, Node v20): CPU/wait/query times of 1 operation: messages.send</li>`,
    );
    expect(html).toContain(
      '<li>measured: r`1`.json &lt;img src=x onerror=alert(1)&gt;: 2026-11-22T05:17:45.181Z, embedded driver, open model at 50/s, 10 s, 500 requests; [r2](https://evil.example/x): 2026-11-23T01:02:03.000Z , embedded driver, open model at 80/s, 10 s, 800 requests</li>',
    );
    expect(html).toContain(`<li>the blueprint&#39;s own: operations auth.register,`);
    expect([...html.matchAll(/<h[1-6]>.*?<\/h[1-6]>/g)].map((m) => m[0])).toEqual(['<h2>archsim: QuantChat messaging app</h2>', '<h3>Budgets</h3>', '<h3>Load and cost</h3>', '<h3>Lint</h3>', '<h3>Readiness checklist</h3>', '<h4>monolith</h4>']);

    // The terminal: the notes on stderr and the summary on stdout, with no control character from the file.
    expect(r.stderr).toContain(`archsim: note: calibrated (${dir}/cal\\n# HDR <img src=x> \`t\`.yaml, measured on layout monolith, host 2 cores, <script>alert(1)</script> [x](javascript:alert(1)) \`tick\` \\x1b]52;c;aGk=\\x07 EPYC, Node v20): CPU/wait/query times of 1 operation: messages.send\n`);
    expect(`${r.stdout}${r.stderr}`).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
    expect(r.stdout).toBe(
      `monolith: saturates at 258/s (bottleneck backend), $32 per month. ✅ all 4 budgets met. (calibrated (${dir}/cal\\n# HDR <img src=x> \`t\`.yaml, measured on layout monolith, host 2 cores, <script>alert(1)</script> [x](javascript:alert(1)) \`tick\` \\x1b]52;c;aGk=\\x07 EPYC, Node v20): CPU/wait/query times of 1 operation: messages.send)\n`,
    );
  });

  it('compare prints the same lines, with no control character from the file', () => {
    const r = archsim(['compare', 'blueprints/quantchat.yaml', '--layouts', 'monolith', '--no-faults', '--calibration', overlay]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`\n- calibrated (${dir}/cal\\n# HDR <img src=x> \`t\`.yaml, measured on layout monolith, host 2 cores, <script>alert(1)</script> [x](javascript:alert(1)) \`tick\` \\x1b]52;c;aGk=\\x07 EPYC, Node v20): CPU/wait/query times of 1 operation: messages.send\n- the blueprint's own: operations auth.register,`);
    expect(r.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
  });

  it('a calibration whose header lists no runs: the report says when is not known', () => {
    const r = fullReport();
    r.calibration = { file: 'cal.yaml', layout: null, machine: null, runs: [], calibrated: ['cart.add'], notes: ['calibrated (cal.yaml, host unknown): CPU/wait/query times of 1 operation: cart.add', "the blueprint's own: operations cart.view; network, payloads, instances, replicas and costs", HOST_MODEL] };
    expect(renderMarkdown(r)).toContain(
      [
        "**Calibrated figures**: measured figures replace some of the blueprint's own, as follows.",
        '',
        '- calibrated (cal.yaml, host unknown): CPU/wait/query times of 1 operation: cart.add',
        "- the blueprint's own: operations cart.view; network, payloads, instances, replicas and costs",
        `- ${HOST_MODEL}`,
        "- measured: when is not known (the file's header lists no runs)",
        '',
      ].join('\n'),
    );
    // Without a calibration the report says nothing of one.
    expect(renderMarkdown(fullReport())).not.toContain('Calibrated');
  });
});

describe('--layouts naming a layout twice', () => {
  for (const cmd of ['compare', 'report']) {
    it(`${cmd}: refused, one line, exit 2 ("monolith vs monolith" was accepted)`, () => {
      for (const layouts of ['monolith,monolith', 'monolith, microservices,monolith']) {
        const r = archsim([cmd, 'blueprints/quantchat.yaml', '--layouts', layouts, '--no-faults']);
        expect([r.code, r.stdout, r.stderr]).toEqual([2, '', 'archsim: --layouts names "monolith" twice; name each layout once\n']);
      }
    });
  }
});
