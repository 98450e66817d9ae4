// The image of the reference services, built from this repository for `up --runtime compose`:
// the built dist/ files the units and the gateway load, and the npm packages they import (their
// production closure from node_modules, nothing else: no CLI, no test tools, no browsers), on
// the Node 20 base image the Dockerfile names. Tagged by a fingerprint of what goes in, so a
// rebuild of the code gives a new image and an unchanged tree reuses the one built before.
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { docker, DockerError } from './docker.js';

/** The base: the official Node 20 image's name (scripts/build-local-images.sh builds one from Debian where no registry is reachable). */
export const NODE_BASE_IMAGE = 'node:20-bookworm-slim';
export const REFERENCE_IMAGE = 'archsim/reference-services';
/** The label our builds carry (with the fingerprint), as the local images of build-local-images.sh. */
export const BUILD_LABEL = 'org.archsim.build';

export function dockerfile(fp: string): string {
  return [
    '# The reference services of archsim (units and gateway), built by `archsim up --runtime compose`.',
    `FROM ${NODE_BASE_IMAGE}`,
    'WORKDIR /app',
    '# Owned by root and read-only to the app: the units run as an unprivileged user on a read-only root.',
    'COPY app/ /app/',
    'ENV NODE_ENV=production',
    'USER 10001:10001',
    'CMD ["node", "/app/dist/reference-services/runtime/unit-main.js"]',
    `LABEL ${BUILD_LABEL}=${fp}`,
    '',
  ].join('\n');
}

const ENTRIES = ['dist/reference-services/runtime/unit-main.js', 'dist/reference-services/runtime/gateway-main.js'];
const BUILTIN = new Set(builtinModules);
/** Static and dynamic imports of tsc's output (string literals only: that is all tsc emits for ours). */
const IMPORT = /(?:^|[^.\w$])(?:import|export)\s*(?:[^'"`;]*?\sfrom\s*)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function packageName(spec: string): string {
  const parts = spec.split('/');
  return spec.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
}

/** The package directory Node would load `name` from, for code in `fromDir`. */
function resolvePackage(root: string, fromDir: string, name: string): string | undefined {
  for (let d = fromDir; ; d = dirname(d)) {
    const p = join(d, 'node_modules', name);
    if (existsSync(join(p, 'package.json'))) return p;
    if (d === root || dirname(d) === d) return undefined;
  }
}

export interface ImageContext {
  /** Files of dist/ the entry points reach (relative to the repository). */
  files: string[];
  /** Package directories (relative), each with its name@version. */
  packages: { dir: string; id: string }[];
}

/** What the image holds: the dist/ files reachable from the entry points and their packages' closure. */
export function imageContext(root: string): ImageContext {
  const files = new Set<string>();
  const bare = new Set<string>();
  const queue = ENTRIES.map((e) => join(root, e));
  for (const e of queue) if (!existsSync(e)) throw new DockerError(`${relative(root, e)} is missing: build first (npx tsc -p tsconfig.json)`);
  while (queue.length) {
    const f = queue.pop()!;
    const rel = relative(root, f);
    if (files.has(rel)) continue;
    files.add(rel);
    for (const m of readFileSync(f, 'utf8').matchAll(IMPORT)) {
      const spec = m[1] ?? m[2]!;
      if (spec.startsWith('.')) {
        const target = resolve(dirname(f), spec);
        if (existsSync(target)) queue.push(target);
      } else if (!spec.startsWith('node:') && !BUILTIN.has(spec.split('/')[0]!)) bare.add(packageName(spec));
    }
  }
  // The packages' closure: dependencies, and optional and peer ones where installed.
  const packages = new Map<string, string>();
  const pending = [...bare].map((name) => ({ name, from: root }));
  while (pending.length) {
    const { name, from } = pending.pop()!;
    const dir = resolvePackage(root, from, name);
    if (!dir) continue; // an optional dependency not installed on this platform
    const rel = relative(root, dir);
    if (packages.has(rel)) continue;
    const pj = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<string, Record<string, string> | string | undefined>;
    packages.set(rel, `${name}@${String(pj.version)}`);
    for (const field of ['dependencies', 'optionalDependencies', 'peerDependencies'] as const) {
      for (const dep of Object.keys((pj[field] as Record<string, string> | undefined) ?? {})) pending.push({ name: dep, from: dir });
    }
  }
  return { files: [...files].sort(), packages: [...packages].map(([dir, id]) => ({ dir, id })).sort((a, b) => (a.dir < b.dir ? -1 : 1)) };
}

/** A fingerprint of the image's inputs: the Dockerfile, every dist file's bytes, every package's name@version. */
export function fingerprint(root: string, ctx: ImageContext): string {
  const h = createHash('sha256');
  h.update(dockerfile(''));
  h.update(readFileSync(join(root, 'package.json')));
  for (const f of ctx.files) h.update(`${f}\0`).update(readFileSync(join(root, f)));
  for (const p of ctx.packages) h.update(`${p.dir}\0${p.id}\0`);
  return h.digest('hex').slice(0, 16);
}

/**
 * The image's tag, built now if this engine does not have it. `log` hears about a build (it
 * takes a while: the base must be there, see NODE_BASE_IMAGE).
 */
export async function ensureReferenceImage(root: string, log: (line: string) => void = () => undefined): Promise<string> {
  const ctx = imageContext(root);
  const fp = fingerprint(root, ctx);
  const tag = `${REFERENCE_IMAGE}:${fp}`;
  if ((await docker(['image', 'inspect', '--format', '{{.Id}}', tag], { allowFail: true })).code === 0) return tag;
  log(`building ${tag} (the reference services: ${ctx.files.length} files, ${ctx.packages.length} packages) on ${NODE_BASE_IMAGE}…`);
  const t0 = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'archsim-image-'));
  try {
    writeFileSync(join(dir, 'Dockerfile'), dockerfile(fp));
    const app = join(dir, 'app');
    cpSync(join(root, 'package.json'), join(app, 'package.json'));
    for (const f of ctx.files) cpSync(join(root, f), join(app, f));
    for (const p of ctx.packages) {
      // Each package without its own node_modules: the nested ones it needs are in the list themselves.
      const nested = join(root, p.dir, 'node_modules');
      cpSync(join(root, p.dir), join(app, p.dir), { recursive: true, filter: (src) => src !== nested });
    }
    // The classic builder resolves FROM from the local images: no registry is asked when the base is here.
    const r = await docker(['build', '-q', '-t', tag, dir], { env: { DOCKER_BUILDKIT: '0' }, allowFail: true, timeoutMs: 600_000 });
    if (r.code !== 0) {
      const base = (await docker(['image', 'inspect', NODE_BASE_IMAGE], { allowFail: true })).code === 0;
      throw new DockerError(
        `could not build ${tag}${base ? '' : ` (its base ${NODE_BASE_IMAGE} is not on this engine and could not be pulled: scripts/build-local-images.sh builds it from Debian's packages)`}: ${r.stderr.trim().split('\n').slice(-1)[0] ?? ''}`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  log(`built ${tag} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  // Older builds of ours: removed (each is a full copy on vfs storage); one in use by a container stays.
  const older = await docker(['image', 'ls', REFERENCE_IMAGE, '--format', '{{.Repository}}:{{.Tag}}'], { allowFail: true });
  for (const t of older.stdout.split('\n').filter((t) => t && t !== tag)) await docker(['image', 'rm', t], { allowFail: true });
  return tag;
}
