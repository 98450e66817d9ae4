import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { archsim } from '../../helpers/cli.js';

const QC = 'blueprints/quantchat.yaml';
const CHROMIUM = existsSync('/usr/bin/chromium');

describe('archsim graph', () => {
  it('prints a flowchart, or a sequence diagram with --operation', () => {
    const f = archsim(['graph', QC, '--layout', 'strangler-relay']);
    expect(f.code).toBe(0);
    expect(f.stdout.startsWith('flowchart LR\n')).toBe(true);
    expect(f.stdout).toContain('u_relay_service["relay-service<br/>relay<br/>×2 · :8006"]');
    const s = archsim(['graph', QC, '-l', 'strangler-relay', '--operation', 'messages.send']);
    expect(s.code).toBe(0);
    expect(s.stdout).toContain('mq_broker-)u_relay_service: message.sent → relay.enqueue');
  });

  it('writes --out, refuses to overwrite it without --force', () => {
    const dir = mkdtempSync(join(tmpdir(), 'archsim-graph-'));
    const out = join(dir, 'ms.mmd');
    expect(archsim(['graph', QC, '-l', 'microservices', '--out', out]).code).toBe(0);
    const first = readFileSync(out, 'utf8');
    expect(first).toContain('u_websocket_service');
    writeFileSync(out, 'mine');
    const again = archsim(['graph', QC, '-l', 'monolith', '--out', out]);
    expect(again.code).toBe(2);
    expect(again.stderr.trim()).toBe(`archsim: ${out} exists; pass --force to overwrite it`);
    expect(readFileSync(out, 'utf8')).toBe('mine');
    expect(archsim(['graph', QC, '-l', 'monolith', '--out', out, '--force']).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain('u_backend');
  });

  it('unknown layout or operation, bad format, png to a terminal: one line, exit 2', () => {
    const cases: [string[], string][] = [
      [['-l', 'monolit'], 'archsim: unknown layout "monolit" (did you mean "monolith"?); layouts: monolith, modular-monolith, strangler-relay, microservices, proposed-7'],
      [['-l', 'monolith', '--operation', 'messages.sen'], 'archsim: unknown operation "messages.sen" (did you mean "messages.send"?) (write domain.operation)'],
      [['-l', 'monolith', '-f', 'gif'], 'archsim: --format gif: expected one of mermaid, svg, png'],
      [['-l', 'monolith', '-f', 'png'], 'archsim: --format png needs --out <file> (binary output is not written to a terminal)'],
    ];
    for (const [args, line] of cases) {
      const r = archsim(['graph', QC, ...args]);
      expect(r.code).toBe(2);
      expect(r.stderr.trim()).toBe(line);
    }
  });

  it('svg without a Chromium is a clear message and exit 2, not a crash', () => {
    const r = archsim(['graph', QC, '-l', 'monolith', '-f', 'svg'], { env: { CHROMIUM_PATH: '/nonexistent/chromium' } });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('archsim: no Chromium at /nonexistent/chromium (from CHROMIUM_PATH/PUPPETEER_EXECUTABLE_PATH); rendering svg needs one');
  });

  it('a Chromium that does not start is a clear message and exit 2 too', () => {
    const r = archsim(['graph', QC, '-l', 'monolith', '-f', 'svg'], { env: { CHROMIUM_PATH: '/bin/false' } });
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^archsim: Chromium at \/bin\/false did not start \(.+\); rendering svg needs a working one$/);
  });

  it.skipIf(!CHROMIUM)(`renders SVG with Debian's Chromium${CHROMIUM ? '' : ' — SKIPPED: /usr/bin/chromium is absent'}`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'archsim-graph-'));
    const out = join(dir, 'send.svg');
    const r = archsim(['graph', QC, '-l', 'microservices', '--operation', 'messages.send', '-f', 'svg', '-o', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const svg = readFileSync(out, 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('aria-roledescription="sequence"');
    expect(svg).toContain('message-service');
  });
});
