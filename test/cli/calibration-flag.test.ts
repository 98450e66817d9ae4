// compare and report with --calibration: the calibrated figures are used, the output says which
// figures are calibrated and for which host, and which are the blueprint's own.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { archsim, ROOT } from '../helpers/cli.js';
import { parseCalibrationHeader } from '../../src/loadtest/calibration-file.js';

const dir = mkdtempSync(join(tmpdir(), 'archsim-calflag-'));
const overlay = join(dir, 'quantchat.calibrated.yaml');
writeFileSync(
  overlay,
  `# Calibrated by \`archsim calibrate\` from 2 measured runs of layout monolith.
# Machine: 2 cores, AMD EPYC, Node v20.20.2, linux.
extends: ${join(ROOT, 'blueprints/quantchat.yaml')}
system:
  domains:
    messages:
      operations:
        send:
          cpu: 9ms
`,
);

describe('--calibration', () => {
  it('reads the header the overlay writer puts there', () => {
    expect(parseCalibrationHeader('# Calibrated by `archsim calibrate` from 1 measured run of layout modular-monolith.\n# Machine: 4 cores, Intel, Node v20.')).toEqual({ layout: 'modular-monolith', machine: { cores: 4, description: '4 cores, Intel, Node v20' } });
    expect(parseCalibrationHeader('extends: x.yaml')).toEqual({ layout: null, machine: null });
  });

  it('compare: plain figures are deployment figures; calibrated ones name the operations and the host, and change the result', () => {
    const plain = archsim(['compare', 'blueprints/quantchat.yaml', '--layouts', 'monolith,microservices', '--no-faults', '--json']);
    expect(plain.code).toBe(0);
    const p = JSON.parse(plain.stdout);
    expect(p.notes[0]).toMatch(/blueprint's own; each unit on its own instance/);
    const cal = archsim(['compare', 'blueprints/quantchat.yaml', '--layouts', 'monolith,microservices', '--no-faults', '--json', '--calibration', overlay]);
    expect(cal.code, cal.stderr).toBe(0);
    const c = JSON.parse(cal.stdout);
    expect(c.notes[0]).toMatch(/calibrated .*measured on layout monolith, host 2 cores, AMD EPYC.*1 operation: messages\.send/);
    expect(c.notes[1]).toMatch(/the blueprint's own: operations .*auth\.login/);
    expect(c.notes[2]).toMatch(/share the calibration host's 2 cores/);
    const mono = (r: { saturation: { layout: string; mix: number }[] }) => r.saturation.find((s) => s.layout === 'monolith')!.mix;
    // 9 ms per send on 2 shared cores: far less than the deployment figure
    expect(mono(c)).toBeLessThan(mono(p) / 2);
  }, 180_000);

  it('names what else the overlay sets (a broker, the network) rather than call it the blueprint\'s own', () => {
    const more = join(dir, 'quantchat.more.yaml');
    writeFileSync(more, `# Machine: 2 cores, x.\nextends: ${join(ROOT, 'blueprints/quantchat.yaml')}\nsystem:\n  domains:\n    messages:\n      operations:\n        send:\n          cpu: 9ms\nlayouts:\n  microservices:\n    broker: { kind: rabbitmq, instance: mq-10usd, port: 5672, consumeCpu: 0.5ms }\n`);
    const r = archsim(['compare', 'blueprints/quantchat.yaml', '--layouts', 'monolith,microservices', '--no-faults', '--json', '--calibration', more]);
    expect(r.code, r.stderr).toBe(0);
    const notes = JSON.parse(r.stdout).notes as string[];
    expect(notes[1]).toBe('also from the calibration: layouts.microservices.broker');
    expect(notes[2]).toMatch(/^the blueprint's own: operations .*; everything else \(payloads, instances, replicas, costs…\)$/);
    // the plain overlay above sets nothing else, and says network is the blueprint's own
    const plain = JSON.parse(archsim(['compare', 'blueprints/quantchat.yaml', '--layouts', 'monolith', '--no-faults', '--json', '--calibration', overlay]).stdout).notes as string[];
    expect(plain[1]).toMatch(/network, payloads, instances, replicas and costs$/);
  }, 180_000);

  it('refuses a calibration it cannot read, or one of another blueprint (exit 2, one line)', () => {
    const r = archsim(['compare', 'blueprints/quantchat.yaml', '--no-faults', '--calibration', join(dir, 'missing.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    const other = join(dir, 'other.yaml');
    writeFileSync(other, `# Machine: 2 cores, x.\nextends: ${join(ROOT, 'blueprints/chatpop.yaml')}\n`);
    const o = archsim(['compare', 'blueprints/quantchat.yaml', '--no-faults', '--calibration', other]);
    expect(o.code).toBe(2);
    expect(o.stderr).toMatch(/calibrates blueprint "chatpop", not "quantchat"/);
    expect(o.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('report: the summary says the figures are calibrated', () => {
    const r = archsim(['report', 'blueprints/quantchat.yaml', '--layouts', 'monolith', '--no-faults', '--format', 'json', '--calibration', overlay]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).summary).toMatch(/calibrated .*host 2 cores/);
    expect(r.stderr).toMatch(/the blueprint's own/);
  });
});
