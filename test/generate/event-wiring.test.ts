// Without a broker an event reaches a consumer in another unit as a direct call (as simulated, and
// as the scaffold's events.ts calls it): compose and Kubernetes give the publisher that unit's URL
// and both units the service token. The consumer's internal endpoint refused every delivery (401)
// when the two units were linked only by the event. With a broker, neither calls the other.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { composeFiles } from '../../src/generate/compose.js';
import { k8sFiles } from '../../src/generate/k8s.js';
import { fileOf, load, type Obj } from './own-blueprint.js';

const text = (broker: string) => `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: evshop }
system:
  domains:
    orders:
      operations:
        place: { route: "POST /orders", cpu: 1ms, emits: [order.placed] }
    stock:
      operations:
        reserve: { internal: true, cpu: 1ms }
  events:
    order.placed: { consumers: [stock.reserve] }
layouts:
  split:
${broker}    units:
      orders: { domains: [orders], port: 8080 }
      stock: { domains: [stock], port: 8081 }
`;

const composeEnv = (broker: string, unit: string) => (parse(fileOf(composeFiles(load(text(broker)), 'split', {}), 'docker-compose.yml')) as Obj).services[unit].environment as Record<string, string>;
const k8sEnvNames = (broker: string, unit: string) => {
  const files = k8sFiles(load(text(broker)), 'split');
  const dep = parse(fileOf(files, `k8s/${unit}/deployment.yaml`)) as Obj;
  const cm = parse(fileOf(files, `k8s/${unit}/configmap.yaml`)) as Obj;
  return [...(dep.spec.template.spec.containers[0].env ?? []).map((e: { name: string }) => e.name), ...Object.keys(cm.data ?? {})].sort();
};

describe('an event between units without a broker', () => {
  it('compose: the publisher gets the consumer unit’s URL and the token, the consumer the token', () => {
    expect(composeEnv('', 'orders')).toMatchObject({ STOCK_URL: 'http://stock:8081', SERVICE_TOKEN: '${SERVICE_TOKEN:?set SERVICE_TOKEN in .env (see .env.example)}' });
    expect(composeEnv('', 'stock')).toHaveProperty('SERVICE_TOKEN');
  });
  it('Kubernetes: the same', () => {
    expect(k8sEnvNames('', 'orders')).toEqual(expect.arrayContaining(['SERVICE_TOKEN', 'STOCK_URL']));
    expect(k8sEnvNames('', 'stock')).toContain('SERVICE_TOKEN');
  });
  it('with a broker neither unit calls the other', () => {
    const orders = composeEnv('    broker: { kind: rabbitmq }\n', 'orders');
    expect(orders).not.toHaveProperty('STOCK_URL');
    expect(orders).not.toHaveProperty('SERVICE_TOKEN');
    expect(orders).toHaveProperty('BROKER_URL');
  });
});
