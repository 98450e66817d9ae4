// The command tree. Each command is two modules: commands/<name>.ts registers it (description,
// options, help; it imports only light modules such as io.ts and flags.ts) and its action does one
// `await import('../actions/<name>.js')`, the command's single lazy boundary. The action module
// imports everything it needs statically, so `archsim --help` loads commander and nothing else.
import { Command, CommanderError, type Option } from 'commander';
import { readFileSync } from 'node:fs';
import { parseSize } from '../model/units.js';
import * as validate from './commands/validate.js';
import * as inspect from './commands/inspect.js';
import * as generate from './commands/generate.js';

import * as graph from './commands/graph.js';
import * as lint from './commands/lint.js';
import * as checklist from './commands/checklist.js';
import * as simulate from './commands/simulate.js';
import * as compare from './commands/compare.js';
import * as sweep from './commands/sweep.js';
import * as report from './commands/report.js';
import * as plan from './commands/plan.js';
import * as rehearse from './commands/rehearse.js';

import * as loadtest from './commands/loadtest.js';
import * as calibrate from './commands/calibrate.js';
import * as validateModel from './commands/validate-model.js';

import * as up from './commands/up.js';
import * as down from './commands/down.js';
import * as status from './commands/status.js';

const commands: { register(program: Command): void }[] = [validate, inspect, graph, lint, checklist, simulate, compare, sweep, generate, up, down, status, loadtest, calibrate, validateModel, report, plan, rehearse];

export function buildProgram(): Command {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  const program = new Command('archsim')
    .description('Plan a move from a monolith to services: check, simulate, generate, run and compare layouts of one blueprint.')
    .version(pkg.version, '-V, --version')
    // commander's own parse errors (unknown option, missing value, missing argument) as every
    // other usage error is: one line, "archsim: …", the hint on the same line (it wrote
    // "error: …" and the hint on a second line).
    .configureOutput({ outputError: (str, write) => write(`archsim: ${str.replace(/^error: /, '').trim().replace(/\s*\n\s*/g, ' ')} (run with --help for usage)\n`) })
    .configureHelp({ sortSubcommands: false })
    .option('--max-input-size <size>', 'largest input file archsim reads (default 16MiB); also ARCHSIM_MAX_INPUT_SIZE')
    .option('--allow-extends-anywhere', "let extends: name a base outside the extending file's folder tree and the working directory's; also ARCHSIM_EXTENDS_ANYWHERE=1")
    .exitOverride();
  // Global input policy, applied before any command reads a file. Kept in the environment so
  // the library's loader (and any child process) applies the same policy.
  program.hook('preAction', (cmd, action) => {
    // A value option given twice with a value each time kept the last one silently ("--layout a
    // --layout b" ran b), and an empty value ("--out ''", "--layout ''") read as no option at all
    // in some commands: both refused here, for every command, before anything is read.
    if (repeated.length) usage(`${repeated[0]!.flag} given twice (${repeated[0]!.values.map((v) => JSON.stringify(v)).join(', then ')}); give it once`);
    for (const opt of action.options) {
      const v = action.getOptionValue(opt.attributeName());
      if (typeof v === 'string' && v.trim() === '' && action.getOptionValueSource(opt.attributeName()) === 'cli') usage(`${opt.long ?? opt.short}: empty value`);
    }
    for (const a of action.args) if (a.trim() === '') usage(`${action.name()}: an argument is empty`);
    const o = cmd.optsWithGlobals() as { maxInputSize?: string; allowExtendsAnywhere?: boolean };
    if (o.maxInputSize !== undefined) {
      const v = o.maxInputSize.trim();
      const r = /^[0-9]+$/.test(v) ? { ok: true as const, value: Number(v) } : parseSize(v);
      if (!r.ok || !(r.value > 0)) {
        process.stderr.write(`archsim: --max-input-size ${o.maxInputSize}: expected a size such as 64MiB\n`);
        process.exit(2);
      }
      process.env.ARCHSIM_MAX_INPUT_SIZE = String(r.value);
    }
    if (o.allowExtendsAnywhere) process.env.ARCHSIM_EXTENDS_ANYWHERE = '1';
  });
  program.addHelpText(
    'after',
    '\nConventions: --json prints machine output on stdout; exit codes are 0 success, 1 a check or budget failed, 2 bad input or usage.\nInput limits: files up to 16MiB (--max-input-size), YAML nesting 64 levels, 2,000,000 values after aliases,\n50 errors shown per file; extends: stays inside the extending file\'s folder or the working directory (--allow-extends-anywhere). See README "Security".\nSee `archsim <command> --help` for each command.',
  );
  for (const c of commands) c.register(program);
  for (const c of program.commands) c.exitOverride();
  // Record a single-value option given more than once (the preAction hook refuses it).
  // Repeatable options have their own parser (collectList) and are left alone.
  const repeated: { flag: string; values: string[] }[] = [];
  for (const c of [program, ...program.commands]) {
    for (const opt of c.options) {
      if (opt.parseArg || opt.variadic || !(opt.required || opt.optional)) continue;
      const seen: string[] = [];
      opt.parseArg = ((value: string) => {
        seen.push(value);
        if (seen.length === 2) repeated.push({ flag: opt.long ?? opt.short ?? opt.flags, values: seen });
        return value;
      }) as Option['parseArg'];
    }
  }
  return program;
}

function usage(message: string): never {
  process.stderr.write(`archsim: ${message}\n`);
  process.exit(2);
}

export async function run(argv: string[]): Promise<void> {
  // A reader that stopped early (`archsim … --json | head -1`) closes the pipe: what it wanted was
  // written, so stop quietly as Unix tools do, not with Node's EPIPE stack trace.
  for (const s of [process.stdout, process.stderr]) {
    s.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(0);
      throw e;
    });
  }
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version end well; every other parse problem is a usage error (exit 2).
      const ok = e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help';
      process.exit(ok ? 0 : 2);
    }
    throw e;
  }
}
