// What a report says about the calibration overlay its figures rest on (`report --calibration`).
// The words are readCalibration's (loadtest/calibration-file.ts), the ones `archsim compare
// --calibration` prints, so the two commands describe a calibration one way. Pure.
import { calibrationRuns, type CalibrationInfo } from '../loadtest/calibration-file.js';
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
