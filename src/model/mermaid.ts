// Mermaid diagrams of a layout: a flowchart of what runs where and who talks to whom, or a
// sequence diagram of one operation's request through that layout. Pure and deterministic:
// the same blueprint gives the same text, byte for byte.
import { CONTROL_CLASS } from './diagnostics.js';
import { domainOf, operationEdges, unitEdges } from './dependencies.js';
import { callProtocol, isPublic, operationIndex, primaryStore, resolveBlueprint, type CallNode, type OperationRef, type ResolvedLayout } from './resolve.js';
import type { Blueprint } from './schema.js';
import { plural } from '../words.js';

export interface MermaidOptions {
  /** "domain.operation": draw this operation's request as a sequence diagram */
  operation?: string;
}

export function toMermaid(bp: Blueprint, layout: string, opts: MermaidOptions = {}): string {
  const rb = resolveBlueprint(bp);
  const r = rb.layout(layout);
  if (opts.operation !== undefined) {
    const op = rb.operationIndex.get(opts.operation);
    if (!op) throw new Error(`unknown operation "${opts.operation}"`);
    return sequence(bp, r, op);
  }
  return flowchart(bp, r);
}

/** Mermaid ids: letters, digits and _ only, unique, never a keyword ("end" breaks flowcharts). */
class Ids {
  private used = new Map<string, string>();
  private taken = new Set<string>();
  id(kind: string, name: string): string {
    const key = `${kind}\u0000${name}`;
    const known = this.used.get(key);
    if (known) return known;
    const base = `${kind}_${name.replace(/[^A-Za-z0-9_]/g, '_')}`;
    let id = base;
    // Stryker disable next-line all: unreachable from a loaded blueprint (unit and datastore names are DNS labels, whose one cleaned character is "-": no two clean to one id); kept for any other name
    for (let i = 2; this.taken.has(id); i++) id = `${base}_${i}`;
    this.used.set(key, id);
    this.taken.add(id);
    return id;
  }
}

/**
 * Characters that must never reach Mermaid text: every line break Mermaid or a Markdown renderer
 * honours (Mermaid turns a lone \r into a new line; U+0085, U+2028 and U+2029 end lines too), the
 * other C0/C1 controls and DEL, and the bidi controls that reorder what is shown. A free text
 * (an event name, a route) holding one could end its statement and start another, or close the
 * Markdown fence a report wraps the diagram in.
 */
// eslint-disable-next-line no-control-regex
const BREAKS = new RegExp(`${CONTROL_CLASS}+`, 'g');

/**
 * One line of inert text. `%%` starts a comment and `%%{…}%%` a directive (Mermaid finds
 * directives anywhere, even mid-line), so every % that another % follows becomes the entity #37;.
 * Backticks become #96;: a backtick opens a Markdown string in a quoted label, and a run of three
 * is a Markdown fence. Mermaid decodes #…; entities after parsing, so they show as the character.
 */
function inert(s: string): string {
  return s.replace(BREAKS, ' ').replace(/%(?=%)/g, '#37;').replace(/`/g, '#96;');
}

/** Text inside a quoted label: quotes and angle brackets as entities, line breaks as <br/>. */
function label(...lines: string[]): string {
  // A # of the text itself becomes #35; first, so "#quot;" in a name shows as typed, not as ".
  // A : followed by a # in the same word becomes #58; as in text(): Mermaid drops the last ; of
  // a line where "style" or "classDef" precedes ":…#", which would cut an entity's ;.
  const esc = (s: string) => inert(s.replace(/#/g, '#35;')).replace(/&/g, '&amp;').replace(/"/g, '#quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/:(?=\S*#)/g, '#58;');
  return `"${lines.map(esc).join('<br/>')}"`;
}

/** What a sequence-diagram text writes as Mermaid's #…; entity codes, so each shows as typed. */
const SEQ_ENTITY: Record<string, string> = { '#': '#35;', ';': '#59;', '&': '#38;', '<': '#lt;', '>': '#gt;' };

/**
 * Text of a sequence-diagram message or alias, one line, every character shown as typed. Mermaid
 * reads a message up to the first # (a comment start) or ; (a statement separator), but turns each
 * #code; into a placeholder before it parses, so both are written as codes (in one pass: the ; of
 * #35; stays); & too, so that a renderer that decodes HTML references cannot turn a name's "&amp;"
 * into "&". Angle brackets as codes: a <br/> would break the line. Last, a : that a # follows in
 * the same word becomes #58;: Mermaid first drops the last ; of a line where "style" or "classDef"
 * comes before such a ":…#" (its `style x fill:#f00;` clean-up), which would cut the final code of
 * a name holding those words.
 */
function text(s: string): string {
  return inert(s.replace(/[#;&<>]/g, (c) => SEQ_ENTITY[c]!)).replace(/:(?=\S*#)/g, '#58;');
}

function flowchart(bp: Blueprint, r: ResolvedLayout): string {
  const ids = new Ids();
  const L: string[] = ['flowchart LR'];
  const client = ids.id('ext', 'client');
  L.push(`  ${client}([Client])`);
  const gw = r.layout.gateway;
  const gateway = gw ? ids.id('gw', 'gateway') : undefined;
  if (gw) L.push(`  ${gateway}{{${label(`${gw.kind} gateway`, `:${gw.port}${gw.replicas > 1 ? ` ×${gw.replicas}` : ''}`)}}}`);
  const broker = r.layout.broker ? ids.id('mq', 'broker') : undefined;
  if (r.layout.broker) L.push(`  ${broker}[/${label(`${r.layout.broker.kind} broker`)}/]`);

  const ops = operationIndex(bp);
  const publicUnits = new Set<string>();
  for (const o of ops.values()) if (isPublic(o.op)) publicUnits.add(r.unitOfDomain.get(o.domain)!);

  L.push(`  subgraph units [${r.units.length === 1 ? 'Unit' : 'Units'}]`);
  for (const u of r.units) {
    const id = ids.id('u', u.name);
    const scale = u.autoscale ? `×${u.replicas} (${u.autoscale.min}–${u.autoscale.max})` : `×${u.replicas}`;
    L.push(`    ${id}[${label(u.name, u.domains.join(', ') || '(no domains)', `${scale} · :${u.port}`)}]`);
  }
  L.push('  end');
  if (r.datastores.length) {
    L.push('  subgraph data [Datastores]');
    for (const s of r.datastores) L.push(`    ${ids.id('db', s.name)}[(${label(s.name, s.engine)})]`);
    L.push('  end');
  }

  // Entry: the client reaches the gateway, which routes to every unit with public operations.
  if (gateway) {
    L.push(`  ${client} --> ${gateway}`);
    for (const u of r.units) if (publicUnits.has(u.name)) L.push(`  ${gateway} --> ${ids.id('u', u.name)}`);
  } else {
    for (const u of r.units) if (publicUnits.has(u.name)) L.push(`  ${client} --> ${ids.id('u', u.name)}`);
  }

  // Synchronous calls between units, solid, labelled with how many operation-level calls, and
  // ×N where a call is made N times per run of its caller (its count).
  const edges = unitEdges(bp, r);
  for (const e of edges.filter((x) => x.kind === 'sync')) {
    const many = e.counts.filter((n) => n > 1);
    const times = !many.length ? '' : e.counts.length === 1 ? ` ×${many[0]}` : ` (${many.map((n) => `×${n}`).join(', ')})`;
    L.push(`  ${ids.id('u', e.from)} -->|${label(plural(e.via.length, 'call') + times)}| ${ids.id('u', e.to)}`);
  }

  // Events across units, dashed, through the broker when there is one.
  if (broker) {
    const published = new Map<string, Set<string>>();
    const delivered = new Map<string, Set<string>>();
    // Every event goes through the broker, one its own unit consumes too, unless the broker
    // delivers those in process (localDelivery, as the simulator does): from the operation-level
    // edges, where no self-edge is dropped.
    const inProcess = r.layout.broker!.localDelivery === 'in-process';
    for (const e of operationEdges(bp)) {
      if (e.kind !== 'event') continue;
      const emitter = r.unitOfDomain.get(domainOf(e.to));
      const consumer = r.unitOfDomain.get(domainOf(e.from));
      if (emitter === undefined || consumer === undefined || (inProcess && emitter === consumer)) continue;
      (published.get(emitter) ?? published.set(emitter, new Set()).get(emitter)!).add(e.event!);
      (delivered.get(consumer) ?? delivered.set(consumer, new Set()).get(consumer)!).add(e.event!);
    }
    for (const u of r.units) {
      const evs = published.get(u.name);
      if (evs) L.push(`  ${ids.id('u', u.name)} -.->|${label([...evs].sort().join(', '))}| ${broker}`);
    }
    for (const u of r.units) {
      const evs = delivered.get(u.name);
      if (evs) L.push(`  ${broker} -.->|${label([...evs].sort().join(', '))}| ${ids.id('u', u.name)}`);
    }
  } else {
    for (const e of edges.filter((x) => x.kind === 'event')) {
      const evs = [...new Set(e.via.map((v) => v.split(' ⇒ ')[1]!))].sort();
      L.push(`  ${ids.id('u', e.to)} -.->|${label(evs.join(', '))}| ${ids.id('u', e.from)}`);
    }
  }

  // Each unit reaches the datastores of its domains' tables.
  for (const u of r.units) {
    // Stryker disable next-line ArrayDeclaration: a made-up store name matches no datastore below
    const stores = [...new Set(u.domains.flatMap((d) => r.storesOfDomain.get(d) ?? []))];
    for (const s of r.datastores.filter((x) => stores.includes(x.name))) L.push(`  ${ids.id('u', u.name)} --> ${ids.id('db', s.name)}`);
  }
  return `${L.join('\n')}\n`;
}

function sequence(bp: Blueprint, r: ResolvedLayout, root: OperationRef): string {
  const ids = new Ids();
  const ops = operationIndex(bp);
  const unitOf = (o: OperationRef) => r.unitOfDomain.get(o.domain)!;
  const body: string[] = [];
  const participants: string[] = [];
  const declared = new Set<string>();
  const declare = (kind: string, name: string, shown: string, as: 'participant' | 'actor' = 'participant') => {
    const id = ids.id(kind, name);
    if (!declared.has(id)) {
      declared.add(id);
      participants.push(`  ${as} ${id} as ${text(shown)}`);
    }
    return id;
  };
  const unit = (name: string) => declare('u', name, name);
  const store = (name: string) => {
    const s = r.datastores.find((d) => d.name === name)!;
    return declare('db', name, `${name} (${s.engine})`);
  };

  const publicEntry = isPublic(root.op);
  const route = root.op.route ? `${root.op.route.method} ${root.op.route.path}` : root.id;
  const client = publicEntry ? declare('ext', 'client', 'Client', 'actor') : undefined;
  const gw = publicEntry && r.layout.gateway ? declare('gw', 'gateway', `${r.layout.gateway.kind} gateway`) : undefined;
  const entryUnit = unit(unitOf(root));
  if (client && gw) {
    body.push(`  ${client}->>${gw}: ${text(route)}`);
    body.push(`  ${gw}->>${entryUnit}: ${text(route)}`);
  } else if (client) body.push(`  ${client}->>${entryUnit}: ${text(route)}`);
  else body.push(`  Note over ${entryUnit}: ${text(`${root.id} (internal, started by a call or an event)`)}`);

  const visit = (o: OperationRef, calls: CallNode[]) => {
    const here = unit(unitOf(o));
    body.push(`  Note over ${here}: ${text(`${o.id}: ${fmtMs(o.op.cpu.mean)} CPU${o.op.wait ? `, waits ${fmtMs(o.op.wait.mean)}` : ''}`)}`);
    for (const { call: c, callee, children, nth } of calls) {
      // A call made N times (count) is drawn once, in a loop.
      if (nth > 0) continue;
      if (c.count > 1) body.push(`  loop ${c.count} times`);
      const there = unit(unitOf(callee));
      if (there === here) {
        body.push(`  ${here}->>${here}: ${text(`${c.op} (in-process)`)}`);
        visit(callee, children);
      } else {
        body.push(`  ${here}->>+${there}: ${text(`${c.op}${callProtocol(r, c, r.units.find((u) => u.name === unitOf(callee))) === 'grpc' ? ' (gRPC)' : ''}${c.optional ? ' (optional)' : ''}${c.timeout ? `, timeout ${fmtMs(c.timeout)}` : ''}`)}`);
        visit(callee, children);
        body.push(`  ${there}-->>-${here}: ${text(c.op)} response`);
      }
      if (c.count > 1) body.push('  end');
    }
    // Queries after the calls: a handler checks (token, contact) before it writes.
    const reads = o.op.db.reads;
    const writes = o.op.db.writes;
    if (reads + writes > 0) {
      const s = primaryStore(r, o.domain);
      const q = [reads ? plural(reads, 'read') : '', writes ? plural(writes, 'write') : ''].filter(Boolean).join(', ');
      if (s) {
        const sid = store(s.name);
        body.push(`  ${here}->>${sid}: ${text(q)}`);
        body.push(`  ${sid}-->>${here}: rows`);
      } else body.push(`  Note over ${here}: ${text(`${q} (no datastore holds ${o.domain}'s tables)`)}`);
    }
    for (const ev of o.op.emits) {
      // Stryker disable next-line all: a loaded blueprint emits only declared events, whose consumers are its operations (semantics.ts refuses others)
      const consumers = (bp.system.events[ev]?.consumers ?? []).map((c) => ops.get(c)).filter((c): c is OperationRef => c !== undefined);
      // A consumer in the publishing unit takes the event in process only without a broker or
      // with one that delivers local consumers so (localDelivery); by default the broker does.
      const viaBroker = (c: OperationRef) => unitOf(c) !== unitOf(o) || (r.layout.broker !== undefined && r.layout.broker.localDelivery !== 'in-process');
      const remote = consumers.filter(viaBroker);
      const local = consumers.filter((c) => !viaBroker(c));
      for (const c of local) body.push(`  ${here}-)${here}: ${text(`${ev} → ${c.id} (in-process, async)`)}`);
      if (!remote.length) continue;
      if (r.layout.broker) {
        const mq = declare('mq', 'broker', `${r.layout.broker.kind} broker`);
        body.push(`  ${here}-)${mq}: ${text(`publish ${ev}`)}`);
        for (const c of remote) body.push(`  ${mq}-)${unit(unitOf(c))}: ${text(`${ev} → ${c.id}`)}`);
      } else {
        for (const c of remote) body.push(`  ${here}-)${unit(unitOf(c))}: ${text(`${ev} → ${c.id}`)}`);
      }
    }
  };
  visit(root, resolveBlueprint(bp).callTree(root.id).calls);

  if (client && gw) {
    body.push(`  ${entryUnit}-->>${gw}: response`);
    body.push(`  ${gw}-->>${client}: response`);
  } else if (client) body.push(`  ${entryUnit}-->>${client}: response`);

  // Participants in order of appearance, declared before use so Mermaid keeps that order.
  return `${['sequenceDiagram', ...participants, ...body].join('\n')}\n`;
}

function fmtMs(ms: number): string {
  return ms >= 1 ? `${+ms.toFixed(2)} ms` : `${+(ms * 1000).toFixed(0)} µs`;
}
