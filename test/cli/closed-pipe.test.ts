// A reader that stops early (`archsim lint … | head -1`) closes the pipe under archsim's output:
// Node raised EPIPE as an unhandled 'error' event, a stack trace and exit 1. Here the reading end
// is closed before archsim writes anything, so every write meets a closed pipe (lint writes its
// report in several pieces, so the error arrives before it ends). Runs the built CLI.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BIN } from '../helpers/cli.js';

function intoClosedPipe(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((done) => {
    const c = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    c.stdout.destroy();
    let stderr = '';
    c.stderr.on('data', (d) => (stderr += d));
    c.on('close', (code) => done({ code, stderr }));
  });
}

describe('output into a closed pipe', () => {
  it('lint: no stack trace, exit 0', async () => {
    const r = await intoClosedPipe(['lint', 'blueprints/quantchat.yaml']);
    expect(r.stderr).not.toMatch(/EPIPE|node:events|Unhandled/);
    expect(r.code).toBe(0);
  });
});
