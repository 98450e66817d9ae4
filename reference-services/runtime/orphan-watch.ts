// A unit or gateway belongs to the launcher that started it (`archsim up`'s supervisor, a load
// test, a rehearsal). The launcher stops it in order on every normal exit and on signals; killed
// outright (SIGKILL, a crash, a test runner's timeout) it cannot, and the process it started
// would live on, holding its ports, so the next run on those ports fails. Each process therefore
// watches its parent and stops itself, the same way a signal would, once the parent is gone.
//
// Started with no parent to watch (PID 1 in a container: ppid 0; already re-parented to init),
// it watches nothing: a container's lifetime is the engine's business.

/** Call `stop` once this process's parent has exited. Returns a function that cancels the watch. */
export function stopWithParent(stop: (why: string) => void, o: { pollMs?: number; ppid?: () => number } = {}): () => void {
  const ppid = o.ppid ?? (() => process.ppid);
  const parent = ppid();
  if (parent <= 1) return () => undefined;
  const t = setInterval(() => {
    if (ppid() === parent) return;
    clearInterval(t);
    stop(`its launcher (pid ${parent}) exited without stopping it`);
  }, o.pollMs ?? 1000);
  // The watch alone never keeps the process alive.
  t.unref();
  return () => clearInterval(t);
}
