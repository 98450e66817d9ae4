// The control plane's side of a unit's admin endpoint (reference-services/runtime/unit.ts,
// POST /admin/domain-db): prepare a domain's move to another database, hold the domain's
// database work, point it there with its work still held, switch the domain there, or release it unchanged. Authenticated like the gateway's admin endpoint, with a service token
// of the run signed for the control identity.
import { CONTROL_CALLER, SERVICE_TOKEN_HEADER, ServiceAuth } from '../runtime/service-auth.js';

export interface UnitControl {
  /** The unit opens a pool on the new database (every connection), the domain untouched. */
  prepare(domain: string, url: string): Promise<void>;
  /**
   * Resolves once the domain's work under way on the unit has finished and new work waits (at
   * most `drainMs`), with when the unit closed the gate (Date.now() on this host).
   */
  hold(domain: string, drainMs?: number): Promise<{ closedAt: number }>;
  /** The held domain pointed at the prepared database, its gate still closed (release points it back). */
  point(domain: string): Promise<void>;
  /** The domain switched to the prepared database and its gate opened, with when. */
  switchTo(domain: string): Promise<{ openedAt: number }>;
  /** The gate opened (if held) and the prepared pool closed, nothing switched. */
  release(domain: string): Promise<{ openedAt: number }>;
}

export function unitControl(internalUrl: string, serviceSecret: string): UnitControl {
  const signer = new ServiceAuth(new TextEncoder().encode(serviceSecret), CONTROL_CALLER, new Map(), new Map());
  const post = async (body: Record<string, unknown>, timeoutMs: number) => {
    const r = await fetch(`${internalUrl}/admin/domain-db`, {
      method: 'POST',
      headers: { [SERVICE_TOKEN_HEADER]: await signer.token(), 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    // The answer never holds the URL (it carries the database password): only the unit's message.
    const text = await r.text();
    if (r.ok) return JSON.parse(text) as { closedAt?: number; openedAt?: number };
    let message = text.slice(0, 200);
    try {
      message = (JSON.parse(text) as { message?: string }).message ?? message;
    } catch {
      /* not JSON: its start */
    }
    throw new Error(`${String(body.action)} ${String(body.domain)}: ${r.status} ${message}`);
  };
  return {
    prepare: async (domain, url) => void (await post({ action: 'prepare', domain, url }, 30_000)),
    hold: async (domain, drainMs = 5000) => ({ closedAt: (await post({ action: 'hold', domain, drainMs }, drainMs + 10_000)).closedAt ?? Date.now() }),
    point: async (domain) => void (await post({ action: 'point', domain }, 10_000)),
    switchTo: async (domain) => ({ openedAt: (await post({ action: 'switch', domain }, 10_000)).openedAt ?? Date.now() }),
    release: async (domain) => ({ openedAt: (await post({ action: 'release', domain }, 10_000)).openedAt ?? Date.now() }),
  };
}
