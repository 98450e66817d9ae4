// Child processes run built JavaScript. Under vitest the modules are the .ts sources, so a file
// to run in another process maps to its compiled twin in dist/ (the test script builds first).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function runnableFile(moduleUrl: string, sibling?: string): string {
  const url = sibling ? new URL(sibling, moduleUrl) : new URL(moduleUrl);
  let path = fileURLToPath(url);
  if (!path.includes('/dist/src/') && path.includes('/src/')) {
    path = path.replace(/\/src\//, '/dist/src/').replace(/\.tsx?$/, '.js');
  }
  if (!existsSync(path)) throw new Error(`${path} is missing: build first (npx tsc -p tsconfig.json)`);
  return path;
}
