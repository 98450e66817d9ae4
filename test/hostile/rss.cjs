// Preloaded into each archsim run of the hostile suite: reports the process's peak RSS (KiB)
// and CPU time (µs) on its way out, to a file outside the sandbox.
const fs = require('node:fs');
process.on('exit', () => {
  try {
    const u = process.resourceUsage();
    fs.writeFileSync(process.env.ARCHSIM_RSS_FILE, JSON.stringify({ maxRssKiB: u.maxRSS, cpuUs: u.userCPUTime + u.systemCPUTime }));
  } catch {}
});
