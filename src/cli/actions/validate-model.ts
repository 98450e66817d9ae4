// `archsim validate-model`: calibrate on one layout, predict the others, measure them, print predicted against measured.
import { choiceFlag, fractionFlag, sliceFlag, intFlag, listFlag, secondsFlag } from '../flags.js';
import { err, out, printJson, table, UsageError } from '../io.js';
import { parseLevels } from '../../loadtest/layout-run.js';
import { lstatSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { checkOneFile, writeOneFile } from '../../io/write-set.js';
import { loadBlueprint } from '../../io/load.js';
import { didYouMean, terminalText } from '../../model/diagnostics.js';
import { median, overlayName, relError, signedPct, validateModel, parseSavedRuns, type Direction, type LevelComparison, type SavedRuns } from '../../loadtest/validate-model.js';
import { readInput } from '../../io/read-input.js';
import { validationHtml } from '../../loadtest/validate-html.js';
import { otherMachine, readPlatformFile, thisMachine } from '../platform-file.js';

export interface Flags {
  calibrateOn: string;
  predict?: string;
  reverse?: string;
  levels: string;
  duration: string;
  warmup: string;
  replications: string;
  minRequests: string;
  connections: string;
  portOffset: string;
  fastDb?: boolean;
  idleModel?: string;
  speedCorrection?: string;
  poolWeight?: string;
  cpuSharing?: string;
  cpuSlice?: string;
  html?: string;
  runsOut?: string;
  fromRuns?: string;
  platformCosts?: string;
  calibratedDir?: string;
  out?: string;
  force?: boolean;
  json?: boolean;
}

export async function action(file: string, flags: Flags): Promise<number | void> {
  const duration = secondsFlag('--duration', flags.duration);
  const warmup = secondsFlag('--warmup', flags.warmup, { zero: true });
  const replications = intFlag('--replications', flags.replications);
  const connections = intFlag('--connections', flags.connections);
  const minRequests = intFlag('--min-requests', flags.minRequests, 0, 100_000);
  const portOffset = intFlag('--port-offset', flags.portOffset, 0, 50_000);
  const idleModel = flags.idleModel ?? 'cold';
  if (idleModel !== 'cold' && idleModel !== 'slowdown') throw new UsageError(`--idle-model: "${flags.idleModel}" is not cold or slowdown`);
  const speedCorrection = flags.speedCorrection ?? 'none';
  if (speedCorrection !== 'probe' && speedCorrection !== 'none') throw new UsageError(`--speed-correction: "${flags.speedCorrection}" is not probe or none`);
  const poolWeight = flags.poolWeight !== undefined ? fractionFlag('--pool-weight', flags.poolWeight) : undefined;
  const sharing = flags.cpuSharing !== undefined ? choiceFlag('--cpu-sharing', flags.cpuSharing, ['thread', 'process'] as const) : undefined;
  const slice = flags.cpuSlice !== undefined ? sliceFlag('--cpu-slice', flags.cpuSlice) : undefined;
  let levels: number[];
  try {
    levels = parseLevels(flags.levels);
  } catch (e) {
    throw new UsageError(`--levels: ${(e as Error).message}`);
  }
  // Every output refused now, not after minutes of measuring: an existing file without --force, a
  // link, an input, or two outputs naming one file (the second write failed, or replaced the first).
  if (flags.runsOut && flags.fromRuns) throw new UsageError('--runs-out saves the runs this command measures; with --from-runs it measures none (the runs are already in that file)');
  const outputs = ([['--out', flags.out], ['--html', flags.html], ['--runs-out', flags.runsOut]] as [string, string | undefined][]).filter((x): x is [string, string] => x[1] !== undefined);
  for (const [flag, f] of outputs) {
    const same = outputs.find(([g, other]) => g !== flag && resolve(other) === resolve(f));
    if (same) throw new UsageError(`${flag} and ${same[0]} both name ${f}; give each output its own file`);
    checkOneFile(f, { force: !!flags.force, inputs: [file, ...(flags.fromRuns ? [flags.fromRuns] : []), ...(flags.platformCosts ? [flags.platformCosts] : [])] });
  }
  const bp = loadBlueprint(file).blueprint;
  const names = Object.keys(bp.layouts);
  const predict = flags.predict ? listFlag(flags.predict) : names.filter((n) => n !== flags.calibrateOn);
  const reverse = flags.reverse ? listFlag(flags.reverse) : [];
  for (const l of [flags.calibrateOn, ...predict, ...reverse]) if (!bp.layouts[l]) throw new UsageError(`unknown layout "${l}"${didYouMean(l, names)}; layouts: ${names.join(', ')}`);
  // The calibrated blueprints' directory: refused now, not after minutes of measuring, when a
  // file there would be overwritten without --force or the directory is not one.
  const calibratedDir = flags.calibratedDir;
  if (calibratedDir !== undefined) {
    const st = lstatSync(calibratedDir, { throwIfNoEntry: false });
    if (st && !st.isDirectory()) throw new UsageError(`--calibrated-dir: ${calibratedDir} is not a directory`);
    for (const l of [flags.calibrateOn, ...reverse]) {
      const f = join(calibratedDir, overlayName(bp.metadata.name, l));
      if (lstatSync(f, { throwIfNoEntry: false }) && !flags.force) throw new UsageError(`${f} exists; use --force to overwrite`);
    }
  }
  let fromRuns;
  if (flags.fromRuns) {
    const t = readInput(flags.fromRuns);
    if (!t.ok) throw new UsageError(`${flags.fromRuns}: ${t.message}`);
    try {
      fromRuns = parseSavedRuns(t.text, flags.fromRuns);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  }
  // A platform measured once on this machine (`calibrate --platform`): another machine's would
  // price every HTTP call, gateway and wake-up wrongly.
  let platform;
  if (flags.platformCosts) {
    platform = readPlatformFile(flags.platformCosts, '--platform-costs');
    const here = thisMachine();
    const other = otherMachine(platform, here);
    if (other) throw new UsageError(`--platform-costs: ${flags.platformCosts}: ${other}; measure this one: archsim calibrate --platform -o FILE`);
    if (platform.machine.node !== here.node) err(`archsim: --platform-costs: ${flags.platformCosts} was measured with Node ${platform.machine.node}, this is ${here.node}: its HTTP costs may differ`);
  }
  // Outputs never overwrite an input, and are written through the staged writer (no links followed).
  const inputs = [file, ...(flags.fromRuns ? [flags.fromRuns] : []), ...(flags.platformCosts ? [flags.platformCosts] : [])];
  if (calibratedDir !== undefined) mkdirSync(calibratedDir, { recursive: true });
  const v = await validateModel(file, { ...(calibratedDir !== undefined ? { calibratedDir, writeOverlay: (p: string, text: string) => writeOneFile(p, text, { force: !!flags.force, inputs }) } : {}), calibrateOn: flags.calibrateOn, predict, reverse, levels, duration, warmup, replications, minRequests, connections, portOffset, fastDb: !!flags.fastDb, idleModel, speedCorrection, ...(poolWeight !== undefined ? { poolWeight } : {}), ...(sharing ? { sharing } : {}), ...(slice !== undefined ? { slice } : {}), ...(flags.runsOut ? { onRuns: (saved: SavedRuns) => writeOneFile(flags.runsOut!, `${JSON.stringify(saved)}\n`, { force: !!flags.force, inputs }) } : {}), ...(fromRuns ? { fromRuns } : {}), ...(platform ? { platform, platformFile: flags.platformCosts! } : {}), log: (l) => err(terminalText(`archsim: ${l}`)) });
  if (flags.out) writeOneFile(flags.out, `${JSON.stringify(v, null, 2)}\n`, { force: !!flags.force, inputs });
  if (flags.html) {
    writeOneFile(flags.html, validationHtml(v), { force: !!flags.force, inputs });
  }
  if (flags.json) return printJson(v);
  // Saved runs are input: their method and notes, and the layout names they carry, reach the
  // terminal through terminalText, line by line (a table keeps its line breaks).
  const say = (text: string) => out(text.split('\n').map(terminalText).join('\n'));
  const pct = signedPct;
  const abs = (x: number) => pct(x).replace('+', '');
  const ms = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : '∞');
  const iv = (x: { lo: number; hi: number } | null) => (x ? ` (${x.lo.toFixed(1)}–${x.hi.toFixed(1)})` : '');
  say(`how measured: ${v.method}`);
  for (const d of v.directions) {
    const closed = d.inputs.filter((i) => i.model === 'closed').length;
    say(`\ncalibrated on ${d.calibrateOn} (inputs: ${d.inputs.length} runs of ${[...new Set(d.inputs.map((i) => i.layout))].join(', ')}${closed ? `: its capacity run and ${d.inputs.length - closed} load levels` : ''})`);
    const rows = d.layouts.flatMap((l) =>
      l.levels.map((x) => [`${l.layout}${l.role === 'calibrated' ? ' (cal.)' : ''}`, `${Math.round(x.fraction * 100)}% = ${x.rate.toFixed(1)}/s`, ms(x.total.predicted.p50), `${ms(x.total.measured.p50)}${iv(x.total.measured.p50Interval)}`, ms(x.total.predicted.p95), `${ms(x.total.measured.p95)}${iv(x.total.measured.p95Interval)}`, ...levelVerdict(x, abs), cpuCell(x.cpu)]),
    );
    say(table(['layout', 'level', 'p50 pred', 'p50 meas (95%)', 'p95 pred', 'p95 meas (95%)', 'med |err| p50', 'med |err| p95', 'CPU pred/meas'], rows));
    say(table(['layout', 'max throughput pred', 'measured (95%)', 'error', 'machine speed'], d.layouts.map((l) => [l.layout, `${l.maxThroughput.predicted.toFixed(0)}/s`, `${l.maxThroughput.measured.toFixed(0)}/s${iv(l.maxThroughput.measuredInterval)}`, pct(l.maxThroughput.error), l.speed === null ? '' : `×${l.speed.toFixed(2)} applied`])));
    say(`median |error| over the predicted layouts: p50 ${abs(d.summary.p50)}, p95 ${abs(d.summary.p95)}, max throughput ${abs(d.summary.maxThroughput)}; ${d.calibrateOn} reproduced within p50 ${abs(d.reproduced.p50)}, p95 ${abs(d.reproduced.p95)}, max throughput ${abs(d.reproduced.maxThroughput)}`);
    if (d.withinInterval) say(`inside the measurement's own 95% interval (over its windows): p50 ${abs(d.withinInterval.p50)}, p95 ${abs(d.withinInterval.p95)} of the predicted layouts' ${d.withinInterval.figures} operation-levels`);
    if (d.uncorrected) say(`without the machine-speed correction: p50 ${abs(d.uncorrected.p50)}, p95 ${abs(d.uncorrected.p95)}, max throughput ${abs(d.uncorrected.maxThroughput)}`);
    say(saturationLine(d));
    const cpu = cpuLine(d);
    if (cpu) say(cpu);
    for (const l of d.layouts)
      for (const x of l.levels)
        if (x.saturated.measured || x.saturated.predicted)
          say(`  ${l.layout} at ${Math.round(x.fraction * 100)}%: measured ${x.saturated.measured ? `saturated: ${x.saturated.measured}` : 'steady'}; predicted ${x.saturated.predicted ? `saturated: ${x.saturated.predicted}` : 'steady'}`);
    say(`calibrated blueprint: ${d.overlay}`);
  }
  say(`\nmachine: ${v.machine.cores} × ${v.machine.cpu}, Node ${v.machine.node}, load average ${v.machine.loadAverage.join(' → ')}`);
  if (flags.html) say(`wrote ${flags.html}`);
  for (const n of v.notes) err(terminalText(`note: ${n}`));
}

/** Per layout, the median error over its levels of the requests' CPU, units' processes and database servers apart (null: no level read CPU). */
export function cpuLine(d: Direction): string | null {
  const err = (xs: readonly { predicted: number; measured: number | null }[]) => median(xs.filter((x) => x.measured !== null).map((x) => relError(x.predicted, x.measured!)));
  const parts = d.layouts
    .filter((l) => l.levels.some((x) => x.cpu.measured !== null))
    .map((l) => `${l.layout}${l.role === 'calibrated' ? ' (cal.)' : ''} units ${signedPct(err(l.levels.map((x) => x.cpu.units)))}, databases ${signedPct(err(l.levels.map((x) => x.cpu.databases)))}`);
  return parts.length ? `CPU of the requests, predicted against measured (median over the levels): ${parts.join('; ')}` : null;
}

/** A level's CPU of the requests in cores, predicted / measured and the error ("0.90/0.94 −4%"), or the prediction alone. */
export function cpuCell(c: LevelComparison['cpu']): string {
  return c.measured === null ? `${c.predicted.toFixed(2)}/—` : `${c.predicted.toFixed(2)}/${c.measured.toFixed(2)} ${signedPct(c.error)}`;
}

/** A level's two error columns: the medians, or why there are none, and which side alone saw saturation. */
function levelVerdict(x: LevelComparison, abs: (v: number) => string): [string, string] {
  const { measured, predicted } = x.saturated;
  if (measured && predicted) return ['saturated (both)', 'saturated (both)'];
  const tag = measured ? ' (meas. saturated)' : predicted ? ' (pred. saturated)' : '';
  return [`${abs(x.median.p50)}${tag}`, `${abs(x.median.p95)}${tag}`];
}

/** How many predicted levels were compared on latency, and how many saturated on one side or both. */
export function saturationLine(d: Direction): string {
  const s = d.saturation;
  return `predicted levels compared on latency: ${s.compared} (of which saturated when measured only: ${s.measuredOnly}, when predicted only: ${s.predictedOnly}); saturated on both sides, not compared: ${s.both}`;
}
