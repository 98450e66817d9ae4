// The hostile inputs of issue 13, one or more per numbered item. Each case prepares files in a
// sandbox folder and names the archsim command to run there and the exit code it must end with;
// `check` adds what the output must (not) say. Item 18 (signals to `up`) is tested with `up`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { BIN } from '../helpers/cli.js';

export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
  sandbox: string;
}

export interface HostileCase {
  item: number;
  name: string;
  /** Writes inputs into the sandbox; returns the archsim arguments. */
  setup(dir: string): string[];
  code: 0 | 1 | 2;
  check?(r: Ran): void;
}

const mkfifo = (p: string) => {
  // node has no mkfifo: use the coreutils one.
  const r = spawnSync('mkfifo', [p]);
  if (r.status !== 0) throw new Error('mkfifo failed');
};

/** A small valid blueprint; `patch` edits its text. */
export const BASE = `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: shop, title: Shop }
system:
  domains:
    orders:
      description: Orders
      tables: [orders]
      operations:
        create: { route: POST /api/orders, cpu: 2ms, db: { writes: 1 }, calls: [billing.charge], emits: [order.created] }
        get: { route: "GET /api/orders/{id}", cpu: 1ms, db: { reads: 1 } }
    billing:
      tables: [invoices]
      operations:
        charge: { internal: true, cpu: 1ms, db: { writes: 1 } }
        notify: { internal: true, cpu: 1ms }
  events:
    order.created: { consumers: [billing.notify] }
layouts:
  mono:
    units: { app: { domains: "*", port: 8000, instance: small, replicas: 1 } }
    datastores: { db: { engine: postgres, instance: small, tables: "*" } }
  split:
    gateway: { kind: traefik, port: 8080 }
    units:
      orders-svc: { domains: [orders], port: 8001, instance: small }
      billing-svc: { domains: [billing], port: 8002, instance: small }
    datastores: { db: { engine: postgres, instance: small, tables: "*" } }
workload: { rate: 50/s, duration: 10s, mix: { orders.create: 1, orders.get: 3 } }
catalog:
  small: { vcpu: 1, memoryMiB: 1024, usdPerMonth: $10 }
`;

const bp = (dir: string, text = BASE, name = 'bp.yaml') => {
  writeFileSync(join(dir, name), text);
  return name;
};
const sub = (from: string | RegExp, to: string) => BASE.replace(from, to);
const noEcho = (secret: string) => (r: Ran) => {
  if ((r.stdout + r.stderr).includes(secret)) throw new Error(`output echoes file content "${secret}"`);
};
const says = (re: RegExp) => (r: Ran) => {
  if (!re.test(r.stdout + r.stderr)) throw new Error(`output does not match ${re}:\n${r.stderr.slice(0, 2000)}`);
};
const both = (...fs: ((r: Ran) => void)[]) => (r: Ran) => fs.forEach((f) => f(r));

const SECRET_FILE = 'root:$6$SECRETHASH:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n';

export const CASES: HostileCase[] = [
  // 1. code injection into generated scaffolds
  { item: 1, name: 'description with line breaks and code: validates, scaffold is generated', code: 0, setup: (d) => ['generate', 'scaffold', bp(d, sub('description: Orders', `description: "x\\nimport { writeFileSync } from 'node:fs'; writeFileSync('pwned','x');\\n//"`)), '--layout', 'split', '--out', 'out'], check: (r) => { const f = readFileSync(join(r.sandbox, 'out/services/orders-svc/src/handlers/orders.ts'), 'utf8') as string; if (/^import \{ writeFileSync \}/m.test(f)) throw new Error('injected import reached the code'); } },
  { item: 1, name: 'route containing */ is refused at validate', code: 2, setup: (d) => ['validate', bp(d, sub('POST /api/orders', '"POST /api/orders*/require(1)/*"'))], check: says(/not a route path/) },
  { item: 1, name: 'event name with */ and a line break stays inside the comment', code: 0, setup: (d) => ['generate', 'scaffold', bp(d, BASE.replace(/order\.created/g, '"order.created */ process.exit(3) /*\\nx"')), '--layout', 'split', '--out', 'out'] },
  // 2. stored XSS in the HTML report
  { item: 2, name: 'report --format html with a script title escapes it and sets a CSP', code: 0, setup: (d) => ['report', bp(d, sub('title: Shop', 'title: "<script>alert(1)</script>"')), '--format', 'html', '--no-faults', '--out', 'out'], check: (r) => { const h = readFileSync(join(r.sandbox, 'out/report.html'), 'utf8') as string; if (/<script/i.test(h) || !h.includes('Content-Security-Policy')) throw new Error('unescaped script or no CSP'); } },
  // 3. unbounded reads
  { item: 3, name: 'validate /dev/zero', code: 2, setup: () => ['validate', '/dev/zero'], check: says(/not a regular file/) },
  { item: 3, name: 'validate a FIFO does not hang', code: 2, setup: (d) => (mkfifo(join(d, 'fifo.yaml')), ['validate', 'fifo.yaml']), check: says(/FIFO/) },
  { item: 3, name: 'extends: /dev/zero', code: 2, setup: (d) => ['validate', bp(d, `extends: /dev/zero\n${BASE}`)] },
  { item: 3, name: 'report --baseline /dev/zero', code: 2, setup: (d) => ['report', bp(d), '--no-faults', '--baseline', '/dev/zero'] },
  { item: 3, name: 'report --loadtest /dev/zero', code: 2, setup: (d) => ['report', bp(d), '--no-faults', '--loadtest', '/dev/zero'] },
  { item: 3, name: 'report --budget /dev/zero', code: 2, setup: (d) => ['report', bp(d), '--no-faults', '--budget', '/dev/zero'] },
  { item: 3, name: 'checklist --answers /dev/zero', code: 2, setup: (d) => ['checklist', bp(d), '--answers', '/dev/zero', '--json'] },
  { item: 3, name: 'calibrate /dev/zero', code: 2, setup: (d) => ['calibrate', '/dev/zero', '--blueprint', bp(d)] },
  { item: 3, name: 'simulate --scenario on a FIFO', code: 2, setup: (d) => (mkfifo(join(d, 'sc.yaml')), ['simulate', bp(d), '--layout', 'mono', '--scenario', 'sc.yaml']) },
  { item: 3, name: 'a file over the size cap', code: 2, setup: (d) => (writeFileSync(join(d, 'big.yaml'), `# ${'x'.repeat(17 * 1024 * 1024)}\n`), ['validate', 'big.yaml']), check: says(/--max-input-size/) },
  { item: 3, name: 'a binary file is refused without echoing it', code: 2, setup: (d) => (writeFileSync(join(d, 'bin.yaml'), Buffer.from([0xff, 0xfe, 0x53, 0x45, 0x43, 0x52, 0x45, 0x54, 0x00, 0x01])), ['validate', 'bin.yaml']), check: noEcho('SECRET') },
  { item: 3, name: 'generate refuses a target that is a symlink to /dev/zero', code: 2, setup: (d) => (mkdirSync(join(d, 'out')), symlinkSync('/dev/zero', join(d, 'out/docker-compose.yml')), ['generate', 'compose', bp(d), '--layout', 'mono', '--out', 'out', '--force']), check: says(/symbolic link/) },
  // 4. extends reads any path and echoes it
  // (The sandbox is the working directory, which extends may also reach: "outside" files sit beside it.)
  { item: 4, name: 'extends: a password-like file outside the folder is refused, nothing echoed', code: 2, setup: (d) => (mkdirSync(join(d, 'a')), writeFileSync(`${d}-shadow.yaml`, SECRET_FILE), ['validate', bp(d, `extends: ../../${basename(d)}-shadow.yaml\n${BASE}`, 'a/bp.yaml')]), check: both(noEcho('SECRETHASH'), noEcho('daemon'), says(/outside the folder/)) },
  // A file that is not a blueprint may be any file (a credentials file given as --answers): its errors say the kind of a wrong value, never the value.
  { item: 3, name: 'an answers file with a wrong value: the error names its kind, not the value', code: 2, setup: (d) => (writeFileSync(join(d, 'creds.yaml'), 'monitoring: "SECRETMON"\nteam-size: [SECRETLIST]\n'), ['checklist', bp(d), '--answers', 'creds.yaml', '--json']), check: both(noEcho('SECRETMON'), noEcho('SECRETLIST'), says(/creds\.yaml:1:13: monitoring: expected boolean, got a string/)) },
  { item: 3, name: 'a scenario whose keys are a secrets file: the error gives the position, not the key', code: 2, setup: (d) => (writeFileSync(join(d, 's.yaml'), 'name: s\nSECRETKEY_ABC123: x\n'), ['simulate', bp(d), '--layout', 'mono', '--scenario', 's.yaml']), check: both(noEcho('SECRETKEY_ABC123'), says(/s\.yaml:2:1: unknown key/)) },
  { item: 3, name: 'a load-test result with a wrong value: the error names its kind, not the value', code: 2, setup: (d) => (writeFileSync(join(d, 'r.json'), '{"schemaVersion": "SECRETSV"}'), ['report', bp(d), '--no-faults', '--loadtest', 'r.json']), check: both(noEcho('SECRETSV'), says(/r\.json:1:19: schemaVersion: expected one of 1, got a string/)) },
  { item: 4, name: 'extends: /etc/passwd', code: 2, setup: (d) => ['validate', bp(d, `extends: /etc/passwd\n${BASE}`)], check: noEcho('root:') },
  { item: 4, name: 'a base inside the folder that is not a blueprint is refused, content not shown', code: 2, setup: (d) => (writeFileSync(join(d, 'creds.yaml'), 'root: SECRETHASH\nadmin: hunter2\n'), ['validate', bp(d, `extends: ./creds.yaml\n${BASE}`)]), check: both(noEcho('SECRETHASH'), noEcho('hunter2'), noEcho('admin')) },
  { item: 4, name: 'a base that is a list, not a mapping', code: 2, setup: (d) => (writeFileSync(join(d, 'list.yaml'), '- a\n- b\n'), ['validate', bp(d, `extends: ./list.yaml\n${BASE}`)]) },
  { item: 4, name: 'extends: a file that is not YAML or JSON by name', code: 2, setup: (d) => (writeFileSync(join(d, 'x.txt'), BASE), ['validate', bp(d, `extends: ./x.txt\n${BASE}`)]) },
  { item: 4, name: 'extends: through a symlink pointing outside', code: 2, setup: (d) => (mkdirSync(join(d, 'a')), writeFileSync(`${d}-outside.yaml`, BASE), symlinkSync(`${d}-outside.yaml`, join(d, 'a/base.yaml')), ['validate', bp(d, `extends: ./base.yaml\n${BASE}`, 'a/bp.yaml')]) },
  // 5. alias amplification
  { item: 5, name: 'aliases that expand a layout of 20,000 triggers 500 times', code: 2, setup: (d) => ['validate', bp(d, BASE.replace('  mono:\n', `  mono: &m\n`).replace('    datastores: { db: { engine: postgres, instance: small, tables: "*" } }\n  split:', `    datastores: { db: { engine: postgres, instance: small, tables: "*" } }\n    triggers:\n${'      - { description: t }\n'.repeat(20000)}  split:`).replace('workload:', `${Array.from({ length: 500 }, (_, i) => `  l${i}: *m\n`).join('')}workload:`))], check: says(/aliases are expanded|aliases/) },
  // 6. error floods
  { item: 6, name: 'one unquoted {id} in a flow mapping', code: 2, setup: (d) => ['validate', bp(d, sub('get: { route: "GET /api/orders/{id}"', 'get: { route: GET /api/orders/{id}'))] },
  { item: 6, name: 'a 2 MB file of broken flow mappings', code: 2, setup: (d) => ['validate', bp(d, `${BASE}extra:\n${'  - { a: {id}, b: [x, {y} }\n'.repeat(70000)}`)] },
  { item: 6, name: '200 unknown keys', code: 2, setup: (d) => ['validate', bp(d, BASE.replace('catalog:\n', `catalog:\n${Array.from({ length: 200 }, (_, i) => `  c${i}: { usdPerMonth: $1, bogus${i}: 1 }\n`).join('')}`))], check: says(/and \d+ more/) },
  // 7. absurd sizes
  { item: 7, name: 'replicas: 1000000000', code: 2, setup: (d) => ['validate', bp(d, sub('replicas: 1 }', 'replicas: 1000000000 }'))], check: says(/at most 1000 replicas/) },
  { item: 7, name: 'workers: 100000', code: 2, setup: (d) => ['validate', bp(d, sub('replicas: 1 }', 'replicas: 1, workers: 100000 }'))] },
  { item: 7, name: 'rate: 1e12/s in the workload', code: 2, setup: (d) => ['validate', bp(d, sub('rate: 50/s', 'rate: 1e12/s'))] },
  { item: 7, name: 'simulate --duration 1e400s', code: 2, setup: (d) => ['simulate', bp(d), '--layout', 'mono', '--duration', '1e400s'] },
  { item: 7, name: 'simulate --replications 1000000', code: 2, setup: (d) => ['simulate', bp(d), '--layout', 'mono', '--replications', '1000000'] },
  { item: 7, name: 'simulate over the DES budget', code: 2, setup: (d) => ['simulate', bp(d), '--layout', 'mono', '--rate', '900000', '--duration', '1h'], check: says(/DES budget/) },
  { item: 7, name: 'a request of 10,000 calls within the request budget: over the words budget', code: 2, setup: (d) => ['simulate', bp(d, sub('calls: [billing.charge]', 'calls: [{ op: billing.charge, count: 1000 }]').replace('charge: { internal: true, cpu: 1ms, db: { writes: 1 } }', 'charge: { internal: true, cpu: 1ms, db: { writes: 1 }, calls: [{ op: billing.notify, count: 9 }] }')), '--layout', 'split', '--rate', '1000', '--duration', '100s'], check: says(/^archsim: this simulation would run about 100,000 requests of 14,021 program words each, over the DES budget of 1,000,000,000 words/m) },
  { item: 7, name: 'a call with count: 1000000000', code: 2, setup: (d) => ['validate', bp(d, sub('calls: [billing.charge]', 'calls: [{ op: billing.charge, count: 1000000000 }]'))], check: says(/bp\.yaml:\d+:\d+: system\.domains\.orders\.operations\.create\.calls\[0\]\.count: at most 1000 calls/) },
  { item: 7, name: 'counts that multiply to 10^6 calls per request', code: 2, setup: (d) => ['simulate', bp(d, sub('calls: [billing.charge]', 'calls: [{ op: billing.charge, count: 1000 }]').replace('charge: { internal: true, cpu: 1ms, db: { writes: 1 } }', 'charge: { internal: true, cpu: 1ms, db: { writes: 1 }, calls: [{ op: billing.notify, count: 1000 }] }')), '--layout', 'split'], check: says(/bp\.yaml:\d+:\d+: system\.domains\.orders\.operations\.create\.calls: one request of orders\.create makes more than 10000 calls/) },
  // 8. output sets are not atomic
  { item: 8, name: 'generate where a directory stands in place of a file writes nothing', code: 2, setup: (d) => (mkdirSync(join(d, 'out/docker-compose.yml'), { recursive: true }), ['generate', 'compose', bp(d), '--layout', 'mono', '--out', 'out', '--force']), check: (r) => { if (existsSync(join(r.sandbox, 'out/.env.example'))) throw new Error('partial set written'); } },
  { item: 8, name: 'report --force twice leaves no temporary file', code: 0, setup: (d) => (mkdirSync(join(d, 'out')), writeFileSync(join(d, 'out/report.md'), 'old'), ['report', bp(d), '--no-faults', '--out', 'out', '--force']), check: (r) => { const names = readdirSync(join(r.sandbox, 'out')) as string[]; if (names.join() !== 'report.md') throw new Error(`left: ${names}`); } },
  // 9. writes follow symlinks
  { item: 9, name: 'a symlinked subfolder under --out is refused', code: 2, setup: (d) => (mkdirSync(join(d, 'out')), mkdirSync(join(d, 'out-elsewhere')), symlinkSync('../out-elsewhere', join(d, 'out/k8s')), ['generate', 'k8s', bp(d), '--layout', 'mono', '--out', 'out']), check: says(/symbolic link/) },
  { item: 9, name: 'calibrate --out onto a dangling symlink is refused', code: 2, setup: (d) => (symlinkSync(join(d, 'victim.yaml'), join(d, 'cal.yaml')), writeFileSync(join(d, 'r.json'), readFileSync(new URL('../fixtures/loadtest/quantchat-monolith-result.json', import.meta.url))), ['calibrate', 'r.json', '--blueprint', bp(d), '--out', 'cal.yaml']) },
  // Every file a command reads is an input its outputs may not overwrite, --force or not (answers and scenario files were missed).
  { item: 9, name: 'report --answers file named as an output is refused and kept', code: 2, setup: (d) => (writeFileSync(join(d, 'report.md'), 'monitoring: true\n'), ['report', bp(d), '--no-faults', '--answers', 'report.md', '--format', 'md', '--out', '.', '--force']), check: both(says(/report\.md is one of this command's inputs/), (r) => { if (readFileSync(join(r.sandbox, 'report.md'), 'utf8') !== 'monitoring: true\n') throw new Error('answers overwritten'); }) },
  { item: 9, name: 'report --scenario file named as an output is refused and kept', code: 2, setup: (d) => (writeFileSync(join(d, 'report.json'), '{"name":"s","description":"d","workload":{"duration":"10s"},"failures":[]}'), ['report', bp(d), '--scenario', 'report.json', '--format', 'json', '--out', '.', '--force']), check: both(says(/report\.json is one of this command's inputs/), (r) => { if (!readFileSync(join(r.sandbox, 'report.json'), 'utf8').startsWith('{"name":"s"')) throw new Error('scenario overwritten'); }) },
  { item: 9, name: '--out that is itself a symlink to a folder is refused, nothing written there', code: 2, setup: (d) => (mkdirSync(join(d, 'elsewhere')), symlinkSync('elsewhere', join(d, 'out')), ['generate', 'compose', bp(d), '--layout', 'mono', '--out', 'out']), check: both(says(/out is a symbolic link; archsim does not write through links/), (r) => { if (readdirSync(join(r.sandbox, 'elsewhere')).length) throw new Error('written through the link'); }) },
  { item: 9, name: 'report --out that is a symlink to a folder is refused', code: 2, setup: (d) => (mkdirSync(join(d, 'elsewhere')), symlinkSync('elsewhere', join(d, 'out')), ['report', bp(d), '--no-faults', '--format', 'md', '--out', 'out']), check: both(says(/symbolic link/), (r) => { if (readdirSync(join(r.sandbox, 'elsewhere')).length) throw new Error('written through the link'); }) },
  { item: 9, name: 'loadtest --out onto a dangling symlink is refused before the run, the target not created', code: 2, setup: (d) => (symlinkSync(join(d, 'victim.json'), join(d, 'r.json')), ['loadtest', '--target', 'trivial', '--rate', '10/s', '--duration', '1s', '--out', 'r.json']), check: both(says(/r\.json is a symbolic link; archsim does not write through links/), (r) => { if (existsSync(join(r.sandbox, 'victim.json'))) throw new Error('written through the link'); }) },
  { item: 9, name: 'graph --out naming a folder says the folder, not its last part', code: 2, setup: (d) => (mkdirSync(join(d, 'g')), ['graph', bp(d), '--layout', 'mono', '--out', 'g/']), check: says(/g\/ is a directory; --out names the file to write/) },
  { item: 9, name: 'loadtest --out equal to its blueprint is refused before the run', code: 2, setup: (d) => ['loadtest', bp(d), '--layout', 'mono', '--rate', '10/s', '--duration', '1s', '--out', 'bp.yaml', '--force'], check: both(says(/bp\.yaml is one of this command's inputs/), (r) => { if (readFileSync(join(r.sandbox, 'bp.yaml'), 'utf8') !== BASE) throw new Error('blueprint overwritten'); }) },
  { item: 9, name: 'graph --out equal to the blueprint is refused', code: 2, setup: (d) => ['graph', bp(d), '--layout', 'mono', '--out', 'bp.yaml', '--force'], check: says(/inputs|input/) },
  // 10. routes and values that hijack configs
  { item: 10, name: 'nginx-breaking route is refused at validate', code: 2, setup: (d) => ['validate', bp(d, sub('POST /api/orders', '"POST /orders;}\\"$(touch$"'))] },
  { item: 10, name: 'an empty-looking route that would capture every path', code: 2, setup: (d) => ['validate', bp(d, sub('POST /api/orders', '"POST `)"'))] },
  { item: 10, name: 'compose env value with $ and ${HOME} is escaped as $$', code: 0, setup: (d) => ['generate', 'compose', bp(d, sub('replicas: 1 }', 'replicas: 1, env: { X: "a$HOME${HOME}" } }')), '--layout', 'mono', '--out', 'out'], check: (r) => { const c = readFileSync(join(r.sandbox, 'out/docker-compose.yml'), 'utf8') as string; if (!c.includes('a$$HOME$${HOME}')) throw new Error('dollar not doubled'); } },
  { item: 10, name: 'an image name with a line break', code: 2, setup: (d) => ['validate', bp(d, sub('replicas: 1 }', 'replicas: 1, image: "nginx\\nprivileged: true" }'))] },
  { item: 10, name: 'an env key with a line break', code: 2, setup: (d) => ['validate', bp(d, sub('replicas: 1 }', 'replicas: 1, env: { "A\\nB": x } }'))] },
  // 11. internal errors on bad input
  { item: 11, name: '2,000 levels of block nesting', code: 2, setup: (d) => ['validate', bp(d, `${Array.from({ length: 2000 }, (_, i) => `${' '.repeat(i)}k:`).join('\n')} 1\n`)], check: says(/levels deep/) },
  { item: 11, name: '--out into a missing folder', code: 2, setup: (d) => ['report', bp(d), '--no-faults', '--out', 'missing/deeper/out'] },
  { item: 11, name: 'report --out where a file stands: one line, not ENOTDIR', code: 2, setup: (d) => (writeFileSync(join(d, 'out'), 'x'), ['report', bp(d), '--no-faults', '--format', 'md', '--out', 'out']), check: says(/out is not a directory/) },
  { item: 11, name: '--out where a file stands', code: 2, setup: (d) => (writeFileSync(join(d, 'out'), 'x'), ['generate', 'compose', bp(d), '--layout', 'mono', '--out', 'out']) },
  // 12. non-finite numbers
  { item: 12, name: 'cpu: 1e309ms', code: 2, setup: (d) => ['validate', bp(d, sub('cpu: 2ms', 'cpu: 1e309ms'))], check: says(/finite/) },
  { item: 12, name: 'usdPerMonth: 1e309', code: 2, setup: (d) => ['validate', bp(d, sub('usdPerMonth: $10', 'usdPerMonth: 1e309'))], check: says(/finite/) },
  { item: 12, name: 'vcpu: .nan', code: 2, setup: (d) => ['validate', bp(d, sub('vcpu: 1,', 'vcpu: .nan,'))], check: says(/finite|number/) },
  // 13. validate accepts what simulate rejects
  { item: 13, name: 'rate: 0/s', code: 2, setup: (d) => ['validate', bp(d, sub('rate: 50/s', 'rate: 0/s'))], check: says(/bp\.yaml:\d+:\d+: workload\.rate/) },
  { item: 13, name: 'duration: 0s', code: 2, setup: (d) => ['validate', bp(d, sub('duration: 10s', 'duration: 0s'))], check: says(/bp\.yaml:\d+:\d+: workload\.duration/) },
  { item: 13, name: 'a call with count: 0', code: 2, setup: (d) => ['simulate', bp(d, sub('calls: [billing.charge]', 'calls: [{ op: billing.charge, count: 0 }]')), '--layout', 'split'], check: says(/bp\.yaml:\d+:\d+: system\.domains\.orders\.operations\.create\.calls\[0\]\.count: /) },
  { item: 13, name: 'protocol: ftp on a call', code: 2, setup: (d) => ['simulate', bp(d, sub('calls: [billing.charge]', 'calls: [{ op: billing.charge, protocol: ftp }]')), '--layout', 'split'], check: says(/bp\.yaml:\d+:\d+: system\.domains\.orders\.operations\.create\.calls\[0\]\.protocol: .*grpc/) },
  { item: 13, name: 'a memory datastore with a port', code: 2, setup: (d) => ['generate', 'compose', bp(d, sub('datastores: { db: { engine: postgres, instance: small, tables: "*" } }', 'datastores: { db: { engine: memory, tables: "*", port: 5432 } }')), '--layout', 'mono', '--out', 'out'], check: says(/bp\.yaml:\d+:\d+: layouts\.mono\.datastores\.db\.port: .*engine memory/) },
  // 14. names invalid for the targets
  { item: 14, name: 'a unit name with capitals and _', code: 2, setup: (d) => ['validate', bp(d, sub('units: { app:', 'units: { My_App:'))], check: says(/DNS-1123/) },
  { item: 14, name: 'a unit name of 70 characters', code: 2, setup: (d) => ['validate', bp(d, sub('units: { app:', `units: { ${'a'.repeat(70)}:`))] },
  { item: 14, name: 'a blueprint name with capitals (compose project, npm package)', code: 2, setup: (d) => ['validate', bp(d, sub('name: shop', 'name: Shop'))], check: says(/metadata\.name.*DNS-1123/) },
  // 15. __proto__
  { item: 15, name: '__proto__ as a top-level key', code: 2, setup: (d) => ['validate', bp(d, `__proto__: { polluted: true }\n${BASE}`)], check: says(/bp\.yaml:1:1: .*__proto__/) },
  { item: 15, name: '__proto__ under events', code: 2, setup: (d) => ['validate', bp(d, sub('    order.created: {', '    __proto__: { consumers: [] }\n    order.created: {'))], check: says(/__proto__/) },
  { item: 15, name: '__proto__ inside an overlay', code: 2, setup: (d) => (bp(d), ['validate', bp(d, 'extends: ./bp.yaml\nlayouts:\n  __proto__: { units: {} }\n', 'over.yaml')]), check: says(/over\.yaml:3:3: .*__proto__/) },
  // 16. messages
  { item: 16, name: 'two YAML documents', code: 2, setup: (d) => ['validate', bp(d, `${BASE}---\n${BASE}`)], check: (r) => { if (/parseAllDocuments/.test(r.stderr)) throw new Error('library advice'); says(/more than one YAML document/)(r); } },
  { item: 16, name: 'sweep --rates 100..10 says the range runs low to high', code: 2, setup: (d) => ['sweep', bp(d), '--layout', 'mono', '--rates', '100..10'], check: both(says(/runs from low to high.*write 10\.\.100/), (r) => { if (/must be positive/.test(r.stderr)) throw new Error('old wording'); }) },
  { item: 16, name: 'a budget "< -5ms" is bad input (exit 2), not a broken budget', code: 2, setup: (d) => (writeFileSync(join(d, 'b.yaml'), 'budgets:\n  - p95(orders.create) < -5ms\n'), ['report', bp(d), '--no-faults', '--budget', 'b.yaml']), check: both(says(/b\.yaml:2:5: .*below 0/), (r) => { if (/BROKEN/.test(r.stdout + r.stderr)) throw new Error('judged as broken'); }) },
  { item: 16, name: 'a change.* budget without --baseline is said once', code: 2, setup: (d) => (writeFileSync(join(d, 'b.yaml'), 'budgets:\n  - change.cost.monthly < 10%\n'), ['report', bp(d), '--no-faults', '--budget', 'b.yaml']), check: (r) => { const n = (r.stderr.match(/need --baseline/g) ?? []).length; if (n !== 1) throw new Error(`said ${n} times:\n${r.stderr}`); } },
  { item: 16, name: '--loadtest from another blueprint is refused', code: 2, setup: (d) => (writeFileSync(join(d, 'r.json'), readFileSync(new URL('../fixtures/loadtest/quantchat-monolith-result.json', import.meta.url))), ['report', bp(d), '--no-faults', '--loadtest', 'r.json']), check: says(/r\.json:\d+:\d+: run\.blueprint: this load test ran blueprint "quantchat", not "shop"/) },
  {
    item: 16,
    name: '--baseline from another blueprint is refused',
    code: 2,
    setup: (d) => {
      // A real report of another blueprint (same layouts, another name).
      const other = bp(d, sub('name: shop', 'name: depot'), 'other.yaml');
      const made = spawnSync(process.execPath, [BIN, 'report', other, '--no-faults', '--format', 'json', '--out', 'base'], { cwd: d, encoding: 'utf8' });
      if (made.status !== 0) throw new Error(`baseline report: ${made.stderr}`);
      return ['report', bp(d), '--no-faults', '--baseline', 'base/report.json'];
    },
    check: says(/report\.json:\d+:\d+: blueprint\.name: this baseline is a report of blueprint "depot", not of "shop"/),
  },
  { item: 16, name: 'a missing file says so', code: 2, setup: () => ['validate', 'nope.yaml'], check: says(/no such file/) },
  { item: 16, name: 'a folder says so', code: 2, setup: (d) => (mkdirSync(join(d, 'dir.yaml')), ['validate', 'dir.yaml']), check: says(/directory/) },
  { item: 16, name: 'calibrate on a non-JSON file does not echo it', code: 2, setup: (d) => (writeFileSync(join(d, 'r.json'), SECRET_FILE), ['calibrate', 'r.json', '--blueprint', bp(d)]), check: noEcho('SECRETHASH') },
  // 17. schema errors hide semantic ones
  { item: 17, name: 'a wrong apiVersion still reports an unknown operation in calls', code: 2, setup: (d) => ['validate', bp(d, sub('apiVersion: archsim/v1', 'apiVersion: archsim/v9').replace('calls: [billing.charge]', 'calls: [billing.nope]'))], check: both(says(/apiVersion/), says(/billing\.nope/)) },
];
