// The commands' surface as a user meets it (the built CLI, a process per case): commander's own
// errors on one line, a flag given twice or empty, values over archsim's maximum, and flags that
// only mean something beside another, refused before any file is written or anything starts.
import { lstatSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { archsim } from '../helpers/cli.js';

const BP = 'blueprints/quantchat.yaml';
const dir = mkdtempSync(join(tmpdir(), 'archsim-surface-'));

/** Exit 2, nothing on stdout, and exactly this one line on stderr. */
function refused(args: string[], line: string) {
  const r = archsim(args);
  expect({ code: r.code, stdout: r.stdout, stderr: r.stderr }).toEqual({ code: 2, stdout: '', stderr: `archsim: ${line}\n` });
}

describe("commander's parse errors are one line like every other usage error", () => {
  it('unknown option, with its suggestion, and a missing argument', () => {
    refused(['inspect', BP, '--layuot', 'x'], "unknown option '--layuot' (Did you mean --layout?) (run with --help for usage)");
    refused(['validate'], "missing required argument 'files' (run with --help for usage)");
    refused(['up', BP], "required option '-l, --layout <name>' not specified (run with --help for usage)");
    // graph takes the only layout by itself; with several it names them
    refused(['graph', BP], '--layout is required; layouts: monolith, modular-monolith, strangler-relay, microservices, proposed-7');
  });
});

describe('a flag given twice, or empty, is refused (it was the last one, or no flag at all)', () => {
  it('twice', () => {
    refused(['inspect', BP, '-l', 'monolith', '--layout', 'microservices'], '--layout given twice ("monolith", then "microservices"); give it once');
    refused(['simulate', BP, '--seed', '1', '--seed', '2'], '--seed given twice ("1", then "2"); give it once');
  });
  it('empty: inspect showed every layout, graph printed to stdout instead of --out', () => {
    refused(['inspect', BP, '--layout', ''], '--layout: empty value');
    refused(['graph', BP, '-l', 'monolith', '--out='], '--out: empty value');
    refused(['validate', ''], 'validate: an argument is empty');
  });
  it('a repeatable flag still collects', () => {
    // Both --operation values reach the load plan: the refusal is about the target, not the flag.
    refused(['loadtest', '--target', 'http://example.com', '--operation', 'a', '--operation', 'b', '--rate', '1'], 'refusing to load-test example.com: archsim only targets 127.0.0.1, ::1 or localhost');
  });
});

describe('values past the maximum say so', () => {
  it('rate, duration, and a bare millisecond count that was Infinity', () => {
    refused(['simulate', BP, '-l', 'monolith', '--rate', '2000000'], '--rate 2000000: expected a rate of at most 1M/s');
    refused(['simulate', BP, '-l', 'monolith', '--duration', '31d'], '--duration 31d: expected a duration of at most 30d');
    // 1e308 ms of CPU per request: the trivial server spun for ever, deaf to SIGTERM.
    refused(['loadtest', '--target', 'trivial', '--rate', '1', '--trivial-cpu', '1e308'], '--trivial-cpu 1e308: expected a duration of at most 30d');
    refused(['loadtest', '--target', 'trivial', '--rate', '1', '--trivial-cpu', '1e400'], '--trivial-cpu 1e400: expected a finite duration');
  });
});

describe('think time belongs to the closed model', () => {
  it('simulate, generate k6 and loadtest refuse it on an open workload', () => {
    refused(['simulate', BP, '-l', 'monolith', '--think-time', '1s'], '--think-time is how long a user waits in the closed model: it goes with --users (the workload here is an open model, at a rate)');
    refused(['generate', 'k6', BP, '-l', 'monolith', '--out', join(dir, 'k6a'), '--think-time', '1s'], '--think-time is how long a user waits in the closed model: give --users (the workload here is an open model, at a rate)');
    refused(['loadtest', '--target', 'trivial', '--rate', '5', '--think-time', '1s'], '--think-time is how long a user waits in the closed model: it goes with --users');
  });
  it('with --users it is taken', () => {
    const r = archsim(['simulate', BP, '-l', 'monolith', '--users', '5', '--think-time', '1s', '--requests', '200', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).workload).toMatchObject({ kind: 'closed', users: 5, thinkTime: { mean: 1000 } });
  });
});

describe('simulate --method analytic: the DES-only flags are refused, not ignored', () => {
  it('--replications and --seed', () => {
    refused(['simulate', BP, '-l', 'monolith', '--method', 'analytic', '--replications', '5'], "--replications is the DES's (--method des): the analytic method solves the model once, with no random draws");
    refused(['simulate', BP, '-l', 'monolith', '--method', 'analytic', '--seed', '7'], "--seed is the DES's (--method des): the analytic method solves the model once, with no random draws");
  });
});

describe('generate: a flag of another target is refused, --base-url is a URL', () => {
  it("another target's flags", () => {
    refused(['generate', 'compose', BP, '-l', 'monolith', '--out', join(dir, 'c'), '--rate', '100'], '--rate applies to the k6 target (or all), not compose');
    // compose and the scaffold write the gateway's config (--kind), Kubernetes' Ingresses split a canary:
    // only the targets that write neither refuse them (generate/cli.test.ts runs compose --kind nginx)
    refused(['generate', 'k8s', BP, '-l', 'monolith', '--out', join(dir, 'c'), '--kind', 'kong'], '--kind applies to the gateway, compose, scaffold targets (or all), not k8s');
    refused(['generate', 'monitoring', BP, '-l', 'monolith', '--out', join(dir, 'c'), '--canary', 'backend=10'], '--canary applies to the gateway, compose, k8s, scaffold targets (or all), not monitoring');
    refused(['generate', 'gateway', BP, '-l', 'monolith', '--out', join(dir, 'c'), '--ingress', 'gateway-api'], '--ingress applies to the k8s and scaffold targets (or all), not gateway');
    refused(['generate', 'k6', BP, '-l', 'monolith', '--out', join(dir, 'c'), '--parallelism', '5'], '--parallelism counts the k6-operator runner pods: it goes with --k6-operator');
    expect(lstatSync(join(dir, 'c'), { throwIfNoEntry: false })).toBeUndefined();
  });
  it('a newline in --base-url ended the script\'s "// Run:" comment and made the rest code', () => {
    refused(['generate', 'k6', BP, '-l', 'monolith', '--out', join(dir, 'k6b'), '--base-url', 'http://x\nimport evil from "y";'], '--base-url "http://x\\nimport evil from \\"y\\";": expected an http:// or https:// URL such as http://my-gateway:8000');
    refused(['generate', 'k6', BP, '-l', 'monolith', '--out', join(dir, 'k6b'), '--base-url', 'notaurl'], '--base-url "notaurl": expected an http:// or https:// URL such as http://my-gateway:8000');
    expect(archsim(['generate', 'k6', BP, '-l', 'monolith', '--out', join(dir, 'k6b'), '--base-url', 'http://gw:8000']).code).toBe(0);
  });
});

describe('loadtest: flags of --target and of a started --layout do not cross', () => {
  it('refused before anything starts', () => {
    refused(['loadtest', BP, '-l', 'monolith', '--k6-script', 'x.js'], '--k6-script goes with --target (a system already running); a started --layout is measured by archsim itself');
    refused(['loadtest', BP, '-l', 'monolith', '--pid', 'a=1'], '--pid goes with --target (a system already running); a started --layout is measured by archsim itself');
    refused(['loadtest', '--target', 'http://127.0.0.1:1', '--trivial-cpu', '1'], '--trivial-cpu sets the work of the built-in endpoint: it goes with --target trivial');
    refused(['loadtest', '--target', 'trivial', '--fast-db'], '--fast-db starts PostgreSQL for a --layout; a --target runs its own database');
    refused(['loadtest', '--target', 'trivial', '--port-offset', '3'], '--port-offset moves the ports of a started --layout; a --target already listens where it does');
    refused(['loadtest', '--target', 'trivial', '--users', '5', '--connections', '3'], "--connections bounds the open model's requests in flight; with --users the connections are the users");
  });
});

describe('up: options for what archsim does not start', () => {
  it('refused before anything starts', () => {
    refused(['up', BP, '-l', 'microservices', '--gateway-port', '9000'], "--gateway-port is for a layout without a gateway; microservices's gateway listens on 8000 (move it with --port-offset)");
    refused(['up', BP, '-l', 'monolith', '--db', 'url', '--fast-db'], '--fast-db sets up the embedded PostgreSQL; with --db url archsim does not configure the database');
    refused(['up', BP, '-l', 'monolith', '--db', 'container', '--data-dir', join(dir, 'pg')], '--data-dir keeps the embedded cluster; with --db container there is none');
  });
});

describe('validate-model: every output checked before measuring', () => {
  const VM = ['validate-model', BP, '--from-runs', 'reports/validate-model-runs.json', '--platform-costs', 'reports/validate-model-platform.json'];
  it('two outputs on one file, --runs-out with --from-runs, a link', () => {
    const f = join(dir, 'same.json');
    refused([...VM, '--out', f, '--html', f], `--out and --html both name ${f}; give each output its own file`);
    refused([...VM, '--runs-out', join(dir, 'runs.json')], '--runs-out saves the runs this command measures; with --from-runs it measures none (the runs are already in that file)');
    const link = join(dir, 'link.json');
    symlinkSync(join(dir, 'nowhere.json'), link);
    refused([...VM, '--out', link], `${link} is a symbolic link; archsim does not write through links (remove it or choose another --out)`);
    expect(lstatSync(f, { throwIfNoEntry: false })).toBeUndefined();
  });
});

describe('-o is --out on every command that writes to a path', () => {
  it('each command whose help offers --out offers -o too (report had --out alone)', () => {
    const commands = [...archsim(['--help']).stdout.matchAll(/^ {2}([a-z][a-z-]*)\b/gm)].map((m) => m[1]!).filter((c) => c !== 'help');
    expect(commands.length).toBeGreaterThan(10);
    // An option line of its own (rehearse's help names `archsim plan --out` in a description).
    const withOut = commands.filter((c) => /^\s+(-o, )?--out </m.test(archsim([c, '--help']).stdout));
    expect(withOut).toContain('report');
    expect(withOut.length).toBeGreaterThanOrEqual(7);
    for (const c of withOut) expect(archsim([c, '--help']).stdout, c).toMatch(/^\s+-o, --out </m);
  });
});
