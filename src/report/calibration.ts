// What a report says about the calibration overlay its figures rest on (`report --calibration`).
// The words are readCalibration's (loadtest/calibration-file.ts), the ones `archsim compare
// --calibration` prints, so the two commands describe a calibration one way. Pure.
import type { CalibrationInfo } from '../loadtest/calibration-file.js';
import type { ReportCalibration } from './schema.js';

/**
 * The report's account of a calibration: `info` as readCalibration read it, `text` the file (for
 * the runs its header lists: when they were measured), `hostModel` the line saying which host the
 * report's figures are for. `notes` is what the command prints on stderr as well.
 */
export function reportCalibration(file: string, text: string, info: Pick<CalibrationInfo, 'layout' | 'machine' | 'calibrated' | 'lines'>, hostModel: string): ReportCalibration {
  return {
    file,
    layout: info.layout,
    machine: info.machine?.description ?? null,
    runs: calibrationRuns(text),
    calibrated: info.calibrated,
    notes: [...info.lines, hostModel],
  };
}

/**
 * The runs a calibration header lists (loadtest/calibrate.ts overlayYaml writes "# Runs:" and
 * then one "#   source: started, driver, model…" line per run): the start time is the only
 * place a calibration says when it was measured. None for a header without the block (a
 * hand-written overlay).
 */
export function calibrationRuns(text: string): string[] {
  const lines = text.split('\n');
  const at = lines.findIndex((l) => l.trimEnd() === '# Runs:');
  if (at < 0) return [];
  const runs: string[] = [];
  for (const l of lines.slice(at + 1)) {
    const m = /^# {3}([\s\S]*)$/.exec(l); // a stray \r stays in the text (escaped where shown)
    if (!m) break;
    runs.push(m[1]!.trimEnd());
  }
  return runs;
}
