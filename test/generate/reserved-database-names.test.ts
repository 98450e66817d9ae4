// A datastore whose name an engine keeps for itself (`mysql` on MySQL: the grant tables' schema;
// `admin` on MongoDB; `template1` on PostgreSQL) gets "_db" after its database name everywhere the
// name is written: compose, Kubernetes and the unit's connection URL; `root` as MySQL's app user
// (which the image refuses) gets "_app" in .env.example.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { composeFiles } from '../../src/generate/compose.js';
import { k8sFiles } from '../../src/generate/k8s.js';
import { databaseName, databaseUser } from '../../src/generate/common.js';
import { fileOf, load, type Obj } from './own-blueprint.js';

const bp = load(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: shop }
system:
  domains:
    orders: { tables: [orders], operations: { list: { route: GET /orders, cpu: 1ms, db: { reads: 1 } } } }
    users: { tables: [users], operations: { get: { route: GET /users, cpu: 1ms, db: { reads: 1 } } } }
    stock: { tables: [stock], operations: { get: { route: GET /stock, cpu: 1ms, db: { reads: 1 } } } }
    audit: { tables: [audit], operations: { get: { route: GET /audit, cpu: 1ms, db: { reads: 1 } } } }
catalog:
  vm: { kind: compute, vcpu: 1, memoryMiB: 1024, usdPerMonth: $5 }
layouts:
  one:
    units:
      app: { domains: '*', port: 8001, instance: vm }
    datastores:
      mysql: { engine: mysql, instance: vm, tables: [orders] }
      admin: { engine: mongodb, instance: vm, tables: [users] }
      template1: { engine: postgres, instance: vm, tables: [stock] }
      root: { engine: mysql, instance: vm, tables: [audit] }
workload:
  rate: 10/s
  mix: { orders.list: 1 }
`);

describe('database names an engine keeps', () => {
  it('takes "_db" only where the engine keeps the name', () => {
    expect(databaseName({ name: 'mysql', engine: 'mysql' })).toBe('mysql_db');
    expect(databaseName({ name: 'Information-Schema', engine: 'mysql' })).toBe('information_schema_db');
    expect(databaseName({ name: 'admin', engine: 'mongodb' })).toBe('admin_db');
    expect(databaseName({ name: 'template1', engine: 'postgres' })).toBe('template1_db');
    expect(databaseName({ name: 'mysql', engine: 'postgres' })).toBe('mysql');
    expect(databaseName({ name: 'orders-db', engine: 'mysql' })).toBe('orders_db');
    expect(databaseUser({ name: 'root', engine: 'mysql' })).toBe('root_app');
    expect(databaseUser({ name: 'root', engine: 'postgres' })).toBe('root');
  });

  it('compose writes the database, its healthcheck and the unit’s URL with the new name', () => {
    const files = composeFiles(bp, 'one', {});
    const c = parse(fileOf(files, 'docker-compose.yml')) as Obj;
    expect(c.services.mysql.environment.MYSQL_DATABASE).toBe('mysql_db');
    expect(c.services.root.environment.MYSQL_DATABASE).toBe('root');
    expect(c.services.admin.environment.MONGO_INITDB_DATABASE).toBe('admin_db');
    expect(c.services.template1.environment.POSTGRES_DB).toBe('template1_db');
    expect(c.services.template1.healthcheck.test[1]).toContain('-d template1_db ');
    const urls = Object.values(c.services.app.environment as Record<string, string>).filter((v) => /:\/\//.test(v)).sort();
    expect(urls).toEqual([
      'mongodb://${ADMIN_USER}:${ADMIN_PASSWORD}@admin:27017/admin_db?authSource=admin',
      'mysql://${MYSQL_USER}:${MYSQL_PASSWORD}@mysql:3306/mysql_db',
      'mysql://${ROOT_USER}:${ROOT_PASSWORD}@root:3306/root',
      'postgres://${TEMPLATE1_USER}:${TEMPLATE1_PASSWORD}@template1:5432/template1_db',
    ]);
    const env = fileOf(files, '.env.example');
    expect(env).toMatch(/^ROOT_USER=root_app$/m);
    expect(env).toMatch(/^MYSQL_USER=mysql$/m);
  });

  it('Kubernetes writes the same names', () => {
    const files = k8sFiles(bp, 'one', { withDatastores: true });
    const envOf = (store: string) => (parse(fileOf(files, `k8s/datastores/${store}.yaml`).split('---\n').find((d) => d.includes('kind: StatefulSet'))!) as Obj).spec.template.spec.containers[0].env as { name: string; value?: string }[];
    expect(envOf('mysql').find((e) => e.name === 'MYSQL_DATABASE')!.value).toBe('mysql_db');
    expect(envOf('template1').find((e) => e.name === 'POSTGRES_DB')!.value).toBe('template1_db');
  });
});
