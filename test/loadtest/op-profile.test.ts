// The units' per-operation counters, parsed from /metrics and differenced over a window (pure).
import { describe, expect, it } from 'vitest';
import { parseProfileMetrics, profileDelta, sumProfiles } from '../../src/loadtest/op-profile.js';

const text = (loopA: number, spansA: number, main: number, later: number) => `# HELP archsim_op_loop_seconds_total x
# TYPE archsim_op_loop_seconds_total gauge
archsim_op_loop_seconds_total{operation="messages.send",unit="app"} ${loopA}
archsim_op_loop_seconds_total{operation="(unattributed)",unit="app"} 1
archsim_op_spans_total{operation="messages.send",unit="app"} ${spansA}
archsim_op_pool_tasks_total{operation="auth.login",unit="app"} 2
archsim_op_pool_seconds_total{operation="auth.login",unit="app"} 0.1
archsim_thread_cpu_seconds_total{thread="main",unit="app"} ${main}
archsim_thread_cpu_seconds_total{thread="boot",unit="app"} 0.5
archsim_thread_cpu_seconds_total{thread="later",unit="app"} ${later}
process_cpu_seconds_total{unit="app"} 9
`;

describe('operation profile', () => {
  it('parses the archsim counters and ignores the rest', () => {
    const c = parseProfileMetrics(text(2, 10, 3, 0.2));
    expect(c.ops.get('messages.send')).toEqual({ loop: 2, spans: 10, poolTasks: 0, pool: 0 });
    expect(c.ops.get('auth.login')).toMatchObject({ poolTasks: 2, pool: 0.1 });
    expect(c.threads).toEqual({ main: 3, boot: 0.5, later: 0.2 });
  });

  it('differences a window and scales the loop shares to the main thread’s CPU', () => {
    const d = profileDelta('app', parseProfileMetrics(text(2, 10, 3, 0.2)), parseProfileMetrics(text(5, 40, 4.5, 0.6)));
    // loop: send +3 s, unattributed +0 → send has all of the main thread's 1.5 s
    const send = d.operations.find((o) => o.operation === 'messages.send')!;
    expect(send.spans).toBe(30);
    expect(send.loopSeconds).toBe(3);
    expect(send.cpuSeconds).toBe(1.5);
    expect(d.mainThreadCpuSeconds).toBe(1.5);
    expect(d.offMainCpuSeconds).toBeCloseTo(0.4, 9);
    const twice = sumProfiles([d, d]);
    expect(twice.operations.find((o) => o.operation === 'messages.send')!.spans).toBe(60);
    expect(twice.mainThreadCpuSeconds).toBe(3);
  });

  it('keeps how the unit charged its replies (to their sender) only when the unit said so before and after, and in a sum only when every window did', () => {
    const info = 'archsim_op_profile_info{replies="sender",unit="app"} 1\n';
    const said = (t: string) => parseProfileMetrics(info + t);
    expect(said(text(2, 10, 3, 0.2)).replies).toBe('sender');
    expect(parseProfileMetrics(text(2, 10, 3, 0.2)).replies).toBeUndefined();
    expect(parseProfileMetrics('archsim_op_profile_info{replies="creator",unit="app"} 1\n' + text(2, 10, 3, 0.2)).replies).toBeUndefined();
    const now = profileDelta('app', said(text(2, 10, 3, 0.2)), said(text(5, 40, 4.5, 0.6)));
    expect(now.replies).toBe('sender');
    // a unit of an older build (restarted in between, say) says nothing
    const old = profileDelta('app', parseProfileMetrics(text(2, 10, 3, 0.2)), said(text(5, 40, 4.5, 0.6)));
    expect(old.replies).toBeUndefined();
    expect(sumProfiles([now, now]).replies).toBe('sender');
    expect(sumProfiles([now, old]).replies).toBeUndefined();
  });
});
