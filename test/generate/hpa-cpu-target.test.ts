// The HPA measures a pod's CPU utilization against its request (half the instance's vCPU); the
// simulator's targetUtilization is of the cores the unit's workers use, min(workers, vCPU). The
// generated averageUtilization converts one into the other, so both scale at the same load.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { hpaCpuTarget, k8sFiles } from '../../src/generate/k8s.js';
import { fileOf, load, type Obj } from './own-blueprint.js';

/** One unit on a `vcpu`-core instance with as many workers, autoscaled by `autoscale`. */
const unit = (vcpu: number, autoscale: string) =>
  load(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: saas }
system:
  domains:
    work: { operations: { run: { route: POST /run, cpu: 10ms } } }
catalog:
  big: { kind: compute, vcpu: ${vcpu}, memoryMiB: 8192, usdPerMonth: $${vcpu * 12} }
layouts:
  one:
    units:
      work-api: { domains: [work], port: 8001, instance: big, workers: ${vcpu}, autoscale: { min: 1, max: 6, ${autoscale} } }
workload:
  rate: 100/s
  mix: { work.run: 1 }
`);

describe('hpaCpuTarget', () => {
  it('is the target of the workers’ cores over the request', () => {
    expect(hpaCpuTarget(0.7, 4, 4)).toBe(140); // 2.8 cores of a 2000m request
    expect(hpaCpuTarget(0.7, 1, 4)).toBe(35); // one worker: 0.7 core of 2000m
    expect(hpaCpuTarget(0.7, 8, 4)).toBe(140); // workers past the vCPU use only the vCPU
    expect(hpaCpuTarget(0.5, 2, 1)).toBe(100); // 0.5 core of 500m
    expect(hpaCpuTarget(0.65, 3, 3)).toBe(130); // 1.95 cores of 1500m
    expect(hpaCpuTarget(0.001, 1, 64)).toBe(1); // never 0, which the API refuses
    expect(hpaCpuTarget(0.7, 1, 0.0004)).toBe(70); // below 1m, request and cores are both 1m
  });

  it('scales on CPU when requests or connections has no target, as the simulator does', () => {
    const bp = unit(2, 'metric: requests');
    const text = fileOf(k8sFiles(bp, 'one'), 'k8s/work-api/hpa.yaml');
    expect((parse(text) as Obj).spec.metrics).toEqual([{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 140 } } }]);
    expect(text).toContain('# autoscale.metric is requests with no target, so CPU.\n# Scales at 70% of the 2 cores');
  });

  it('is what the generated HPA says, with a comment saying why', () => {
    const bp = unit(4, 'targetUtilization: 70%');
    const text = fileOf(k8sFiles(bp, 'one'), 'k8s/work-api/hpa.yaml');
    const hpa = parse(text) as Obj;
    expect(hpa.spec.metrics).toEqual([{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 140 } } }]);
    expect(text).toContain('# Scales at 70% of the 4 cores its workers use (targetUtilization), as archsim simulates it:\n# the HPA measures utilization against the CPU request (2000m), hence averageUtilization 140.\n');
    const deployment = parse(fileOf(k8sFiles(bp, 'one'), 'k8s/work-api/deployment.yaml')) as Obj;
    expect(deployment.spec.template.spec.containers[0].resources.requests.cpu).toBe('2000m');
  });
});
