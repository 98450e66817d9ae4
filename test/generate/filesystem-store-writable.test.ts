// A filesystem store is writable by the unit compose runs as 10001 on a read-only root: a new
// named volume takes the owner of the image's directory at its mount point, so archsim's
// Dockerfile creates /data/<store> owned by 10001 for each filesystem store its unit writes; for
// a unit whose image archsim does not build, compose's header and the README say what its image
// must hold.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { generate } from '../../src/generate/index.js';
import { fileOf, load, type Obj } from './own-blueprint.js';

const BP = load(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: files }
system:
  domains:
    app: { tables: [up, th, rows], operations: { put: { route: PUT /app, cpu: 1ms, db: { writes: 1 } } } }
    rpc: { tables: [bl], operations: { get: { route: GET /rpc, cpu: 1ms, db: { reads: 1 } } } }
    py: { tables: [pf], operations: { get: { route: GET /py, cpu: 1ms, db: { reads: 1 } } } }
    img: { tables: [sh, sh2], operations: { get: { route: GET /img, cpu: 1ms, db: { reads: 1 } } } }
    plain: { operations: { get: { route: GET /plain, cpu: 1ms } } }
layouts:
  l:
    gateway: { kind: nginx, port: 8000 }
    units:
      app: { domains: [app], port: 8001 }
      rpc: { domains: [rpc], port: 8002, protocol: grpc }
      py: { domains: [py], port: 8003, runtime: python3.12 }
      img: { domains: [img], port: 8004, image: "ghcr.io/acme/img:1" }
      plain: { domains: [plain], port: 8005 }
    datastores:
      uploads: { engine: filesystem, tables: [up] }
      thumbs: { engine: filesystem, tables: [th] }
      rows: { engine: postgres, tables: [rows] }
      blobs: { engine: filesystem, tables: [bl] }
      py-files: { engine: filesystem, tables: [pf] }
      shared: { engine: filesystem, tables: [sh] }
      shared-2: { engine: filesystem, tables: [sh2] }
`);

const files = generate('scaffold', BP, 'l');
const file = (path: string) => fileOf(files, path);
const dockerfileTail = (unit: string) => {
  const d = file(`services/${unit}/Dockerfile`);
  return d.slice(d.indexOf(`COPY --from=build /app/services/${unit}/dist/src`));
};

describe('filesystem stores are writable by the unit', () => {
  it('a Node unit’s Dockerfile creates each of its store directories owned by 10001, before dropping root', () => {
    expect(dockerfileTail('app')).toBe(`COPY --from=build /app/services/app/dist/src ./dist/src
# The mount points of its filesystem stores, owned by the user it runs as: a new named volume
# takes the owner of the image's directory (root's when there is none), so the unit can write it.
RUN mkdir -p /data/uploads /data/thumbs && chown 10001:10001 /data/uploads /data/thumbs
USER 10001:10001
EXPOSE 8001
ENV PORT=8001
# The blueprint's threadPool: libuv sizes its pool when the process starts, so it is set here.
ENV UV_THREADPOOL_SIZE=4
CMD ["node", "dist/src/main.js"]
`);
    const doc = parse(file('docker-compose.yml')) as { services: Record<string, Obj> };
    expect(doc.services.app!.volumes).toEqual(['uploads-data:/data/uploads', 'thumbs-data:/data/thumbs']);
    expect(doc.services.app!.user).toBe('10001:10001');
  });

  it('a gRPC Node unit: after its proto, one store', () => {
    expect(dockerfileTail('rpc')).toBe(`COPY --from=build /app/services/rpc/dist/src ./dist/src
COPY services/rpc/proto ./proto
# The mount point of its filesystem store, owned by the user it runs as: a new named volume
# takes the owner of the image's directory (root's when there is none), so the unit can write it.
RUN mkdir -p /data/blobs && chown 10001:10001 /data/blobs
USER 10001:10001
EXPOSE 8002
ENV PORT=8002
# The blueprint's threadPool: libuv sizes its pool when the process starts, so it is set here.
ENV UV_THREADPOOL_SIZE=4
CMD ["node", "dist/src/main.js"]
`);
  });

  it('a Node unit without a filesystem store gets no such line', () => {
    expect(file('services/plain/Dockerfile')).not.toContain('/data');
  });

  it('units archsim does not build: compose’s header and the README say what their images must hold', () => {
    const py = 'py runs as 10001:10001 and writes /data/py-files (filesystem store volume): its image must hold that directory owned by 10001 (RUN mkdir -p /data/py-files && chown 10001:10001 /data/py-files), else a new volume is root\'s and not writable by it.';
    const img = 'img runs as 10001:10001 and writes /data/shared, /data/shared-2 (filesystem store volumes): its image must hold those directories owned by 10001 (RUN mkdir -p /data/shared /data/shared-2 && chown 10001:10001 /data/shared /data/shared-2), else a new volume is root\'s and not writable by it.';
    const header = file('docker-compose.yml').split('\n').filter((l) => l.startsWith('#'));
    expect(header.slice(0, 3)).toEqual([
      '# docker compose for files, layout l. Start: cp .env.example .env (set the values), then docker compose up --build',
      `# ${py}`,
      `# ${img}`,
    ]);
    const readme = file('README.md').split('\n');
    expect(readme).toContain(`- ${py}`);
    expect(readme).toContain(`- ${img}`);
    // The scaffolded units' Dockerfiles create theirs: no note for them.
    expect(file('README.md')).not.toMatch(/^- (app|rpc) runs as/m);
    expect(file('docker-compose.yml')).not.toMatch(/^# (app|rpc) runs as/m);
  });
});
