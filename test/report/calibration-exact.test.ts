// The report's account of a calibration (report/calibration.ts), in process: every field from
// what readCalibration read, the runs from the file's header, the host-model line after the
// calibration's own lines. And the report's JSON Schema (report/schema.ts) as `npm run schema`
// writes it: draft 2020-12, its id and title, and a full report valid against it.
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { reportCalibration } from '../../src/report/calibration.js';
import { reportJsonSchema } from '../../src/report/schema.js';
import { fullReport } from './report-data.js';

const HEADER = `# Calibrated by \`archsim calibrate\` from 2 measured runs of layout monolith.
# Machine: 2 cores, EPYC, Node v20.
# Runs:
#   r1.json: 2026-11-22T05:17:45.181Z, embedded driver, open model at 50/s, 10 s, 500 requests
#   r2.json: 2026-11-23T01:02:03.000Z, embedded driver, open model at 80/s, 10 s, 800 requests
system: {}
`;

describe('reportCalibration', () => {
  it('the file, layout, machine, runs and calibrated operations, and the calibration’s lines then the host model’s', () => {
    const info = { layout: 'monolith', machine: { description: '2 cores, EPYC, Node v20' }, calibrated: ['a.x', 'b.y'], lines: ['first line', 'second line'] };
    expect(reportCalibration('cal.yaml', HEADER, info as never, 'host: 2 cores shared')).toEqual({
      file: 'cal.yaml',
      layout: 'monolith',
      machine: '2 cores, EPYC, Node v20',
      runs: [
        'r1.json: 2026-11-22T05:17:45.181Z, embedded driver, open model at 50/s, 10 s, 500 requests',
        'r2.json: 2026-11-23T01:02:03.000Z, embedded driver, open model at 80/s, 10 s, 800 requests',
      ],
      calibrated: ['a.x', 'b.y'],
      notes: ['first line', 'second line', 'host: 2 cores shared'],
    });
  });

  it('no machine in the header: null; no runs listed: none', () => {
    const info = { layout: 'monolith', machine: undefined, calibrated: [], lines: [] };
    expect(reportCalibration('c.yaml', 'system: {}\n', info as never, 'host line')).toEqual({ file: 'c.yaml', layout: 'monolith', machine: null, runs: [], calibrated: [], notes: ['host line'] });
  });
});

describe('reportJsonSchema', () => {
  it('draft 2020-12 with the report’s id and title; a full report is valid against it, one missing its layouts is not', () => {
    const schema = reportJsonSchema();
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.$id).toBe('https://archsim.dev/schemas/report.schema.json');
    expect(schema.title).toBe('archsim report');
    const validate = new Ajv2020({ strict: false, allErrors: true }).compile(schema);
    const report = JSON.parse(JSON.stringify(fullReport()));
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    delete report.layouts;
    expect(validate(report)).toBe(false);
  });
});
