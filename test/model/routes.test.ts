import { describe, expect, it } from 'vitest';
import { loadBlueprint } from '../../src/io/load.js';
import { matchRoute, prefixesByUnit } from '../../src/model/routes.js';
import { routeTable } from '../../src/model/resolve.js';

const bp = loadBlueprint(new URL('../../blueprints/quantchat.yaml', import.meta.url).pathname).blueprint;

describe('route table', () => {
  it('routes every public operation of quantchat to its unit in the microservices layout', () => {
    const t = routeTable(bp, 'microservices');
    expect(matchRoute(t, 'POST', '/api/v1/auth/login')?.unit).toBe('auth-service');
    expect(matchRoute(t, 'GET', '/api/v1/users/search')?.op).toBe('users.search');
    expect(matchRoute(t, 'GET', '/api/v1/users/42')?.op).toBe('users.get');
    expect(matchRoute(t, 'GET', '/api/v1/messages/conversation/7?page=2')?.unit).toBe('message-service');
    expect(matchRoute(t, 'GET', '/ws')?.unit).toBe('websocket-service');
    expect(matchRoute(t, 'GET', '/api/v1/nothing')).toBeUndefined();
    expect(t.filter((r) => r.unit === 'notification-service').map((r) => r.op)).toEqual(['notifications.email', 'notifications.push']);
  });

  it('gives prefix gateways non-overlapping prefixes per unit', () => {
    const p = prefixesByUnit(routeTable(bp, 'microservices'));
    expect(p.get('auth-service')).toEqual(['/api/v1/auth']);
    expect(p.get('user-service')).toEqual(['/api/v1/contacts', '/api/v1/invitations', '/api/v1/users']);
    expect(p.get('relay-service')).toEqual(['/api/v1/relay']);
    const all = [...p.values()].flat();
    expect(new Set(all).size).toBe(all.length);
  });

  it('sends everything to the monolith in the monolith layout', () => {
    const t = routeTable(bp, 'monolith');
    expect(new Set(t.map((r) => r.unit))).toEqual(new Set(['backend']));
    expect(t.every((r) => r.port === 8000)).toBe(true);
  });
});
