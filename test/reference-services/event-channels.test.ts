// Each consuming domain has its own NOTIFY channel (events.ts channelOf): an event wakes only the
// units that consume it. The channel is a plain identifier whatever the domain is called (LISTEN
// takes no parameter), checked on a real PostgreSQL with a hostile domain name.
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { channelOf } from '../../reference-services/runtime/events.js';
import { scratchCluster } from './helpers.js';

const cluster = scratchCluster('event-channels');
afterAll(() => cluster.cleanup());

describe('NOTIFY channels per consuming domain', () => {
  it('are plain identifiers, distinct per domain, the same for the same domain', () => {
    const hostile = 'messages"; DROP TABLE events.queue; --';
    for (const d of ['messages', 'groups', hostile, 'é'.repeat(100)]) {
      expect(channelOf(d)).toMatch(/^archsim_ev_[0-9a-f]{24}$/);
      expect(channelOf(d).length).toBeLessThanOrEqual(63);
    }
    expect(channelOf('messages')).toBe(channelOf('messages'));
    expect(channelOf('messages')).not.toBe(channelOf('groups'));
  });

  it('a listener hears its own domain’s channel and not another’s (hostile names included)', async () => {
    const h = await cluster.start();
    const listener = new pg.Client({ connectionString: h.url('postgres') });
    const sender = new pg.Client({ connectionString: h.url('postgres') });
    await Promise.all([listener.connect(), sender.connect()]);
    try {
      const mine = 'groups"; SELECT 1; --';
      const heard: string[] = [];
      listener.on('notification', (n) => heard.push(`${n.channel}:${n.payload}`));
      await listener.query(`LISTEN ${channelOf(mine)}`);
      // the publisher's statement shape: one pg_notify per consuming domain's channel
      await sender.query('SELECT pg_notify(ch, $2) FROM unnest($1::text[]) AS ch', [[channelOf('messages')], 'messages.on-sent']);
      await sender.query('SELECT pg_notify(ch, $2) FROM unnest($1::text[]) AS ch', [[channelOf('messages'), channelOf(mine)], 'both']);
      for (let i = 0; i < 50 && heard.length < 1; i++) await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 100));
      expect(heard).toEqual([`${channelOf(mine)}:both`]);
    } finally {
      await Promise.all([listener.end(), sender.end()]);
    }
  }, 60_000);
});
