// A unit or gateway whose launcher died without stopping it (SIGKILL) stops itself rather than
// hold its ports: reference-services/runtime/orphan-watch.ts.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stopWithParent } from '../../reference-services/runtime/orphan-watch.js';
import { ROOT } from '../helpers/cli.js';

describe('a process whose launcher is gone', () => {
  it('is stopped once its parent changes, not before; with no parent to watch, never', async () => {
    let ppid = 4242;
    const why: string[] = [];
    stopWithParent((w) => why.push(w), { pollMs: 5, ppid: () => ppid });
    await new Promise((r) => setTimeout(r, 40));
    expect(why).toEqual([]);
    ppid = 1;
    await new Promise((r) => setTimeout(r, 40));
    // once, with who it was
    expect(why).toEqual(['its launcher (pid 4242) exited without stopping it']);
    const none: string[] = [];
    stopWithParent((w) => none.push(w), { pollMs: 5, ppid: () => 0 });
    stopWithParent((w) => none.push(w), { pollMs: 5, ppid: () => 1 });
    await new Promise((r) => setTimeout(r, 40));
    expect(none).toEqual([]);
  });

  it('a real child of a SIGKILLed parent stops itself within a second or so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'archsim-orphan-'));
    const mark = join(dir, 'stopped');
    const watch = join(ROOT, 'dist/reference-services/runtime/orphan-watch.js');
    // The grandchild watches its parent (the middle process) and writes a mark when it stops.
    const grandchild = `import(${JSON.stringify(watch)}).then((m) => { m.stopWithParent((why) => { require('fs').writeFileSync(${JSON.stringify(mark)}, why); process.exit(0); }, { pollMs: 50 }); setInterval(() => {}, 1000); process.send?.('watching'); })`;
    const middle = `const c = require('child_process').spawn(process.execPath, ['-e', ${JSON.stringify(grandchild)}], { detached: true, stdio: ['ignore', 'ignore', 'ignore', 'ipc'] }); c.on('message', () => { process.stdout.write(String(c.pid) + '\\n'); }); setInterval(() => {}, 1000);`;
    const m = spawn(process.execPath, ['-e', middle], { stdio: ['ignore', 'pipe', 'inherit'] });
    const pid = await new Promise<number>((res) => m.stdout.once('data', (b: Buffer) => res(Number(String(b).trim()))));
    expect(pid).toBeGreaterThan(0);
    expect(existsSync(mark)).toBe(false);
    m.kill('SIGKILL');
    const alive = () => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    for (let i = 0; i < 100 && (alive() || !existsSync(mark)); i++) await new Promise((r) => setTimeout(r, 50));
    expect(alive()).toBe(false);
    expect(readFileSync(mark, 'utf8')).toMatch(/^its launcher \(pid \d+\) exited without stopping it$/);
  }, 20_000);
});
