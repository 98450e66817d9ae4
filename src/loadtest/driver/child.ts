// The driver's own process: receives {scenario, options} over IPC (and, when asked to wait, the
// time its measured window opens), runs the load, sends progress
// each second and the report at the end. Started (and pinned) by runDriverInChild.
import { loadScenario, type ScenarioRef } from '../scenario.js';
import { runDriver, type DriverOptions } from './run.js';

type Start = { type: 'start'; scenario: ScenarioRef; options: Omit<DriverOptions, 'onProgress' | 'onPhase'>; awaitGo?: boolean };
type Go = { type: 'go'; measureAt: number };

process.once('message', (m: Start) => {
  void (async () => {
    try {
      const scenario = await loadScenario(m.scenario);
      // Started ahead of its time (beside k6): ready, then wait for the time the window opens.
      const go = m.awaitGo
        ? await new Promise<Go>((resolve) => {
            process.once('message', resolve);
            process.send?.({ type: 'ready' });
          })
        : null;
      const report = await runDriver(scenario, { ...m.options, ...(go ? { measureAt: go.measureAt } : {}), onProgress: (p) => process.send?.({ type: 'progress', progress: p }), onPhase: (phase) => process.send?.({ type: 'phase', phase }) });
      process.send?.({ type: 'done', report }, () => process.exit(0));
    } catch (e) {
      process.send?.({ type: 'error', message: e instanceof Error ? e.message : String(e) }, () => process.exit(1));
    }
  })();
});
// The parent went away: stop.
process.on('disconnect', () => process.exit(0));
