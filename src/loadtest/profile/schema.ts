// A load profile: how to talk to a system so that load tests send valid requests — the users to
// create and log in (setup), and a body/parameter template per operation. It lives beside the
// blueprint (`<blueprint>.load.yaml`) or wherever --load-profile points, and it is the one
// description both drivers run: the embedded driver interprets it in Node, and the generated k6
// script carries it as data with the same interpreter (src/loadtest/profile/runtime.ts).
//
// Templates: any string may hold {{expr}}; a string that is exactly one {{expr}} keeps the
// value's type (a number, a list). expr is a dotted path into the scope (vars, run, user, peer,
// i, r, seq, pool, users, and `with` bindings) or one of pick(path), next(path), fill(n).
// Any other "{{" would be sent as written: refused where it is written (template-syntax.ts).
import { z } from 'zod';
import { Duration } from '../../model/schema.js';
import { templateProblems } from './template-syntax.js';

/** Each malformed template string in a value, as an issue at that string. */
const checkTemplates = (v: unknown, ctx: z.RefinementCtx) => {
  for (const p of templateProblems(v)) ctx.addIssue({ code: 'custom', message: p.message, path: p.path });
};

const Template = z.unknown().superRefine(checkTemplates).describe('a value with {{expr}} placeholders');
/** A string that is rendered as a template (a path, a token, a header, a raw body). */
const TemplateText = z.string().superRefine(checkTemplates);

/**
 * A save source: "$.json.path" (read from the response, not rendered), a mapping of sources, or a
 * template (runtime.ts lpSave).
 */
const SaveSource: z.ZodType<unknown> = z.unknown().superRefine((v, ctx) => {
  const walk = (x: unknown, path: (string | number)[]) => {
    if (typeof x === 'string' && x.startsWith('$.')) return;
    if (x !== null && typeof x === 'object' && !Array.isArray(x)) for (const [k, y] of Object.entries(x)) walk(y, [...path, k]);
    else for (const p of templateProblems(x, path)) ctx.addIssue({ code: 'custom', message: p.message, path: p.path });
  };
  walk(v, []);
});

/**
 * The methods a setup request may use: the blueprint's route methods (model/schema.ts Route) but
 * WS. Setup sends plain HTTP requests (fetch in the embedded driver, http.batch in k6): a WebSocket
 * is no request/response either could send, and any other word reached the server as a method.
 */
export const SETUP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;
const SetupMethod = z.string().refine((m) => (SETUP_METHODS as readonly string[]).includes(m), {
  message: `an HTTP method in capitals: ${SETUP_METHODS.slice(0, -1).join(', ')} or ${SETUP_METHODS.at(-1)} (a setup request is plain HTTP, never WS)`,
});

/** Path segments that would reach the interpreter's prototypes (runtime.ts lpForbidden refuses them too). */
const FORBIDDEN_SEGMENT = /(^|\.)(__proto__|constructor|prototype)(\.|\[\]$|$)/;

/** A save target or a `with` name: a dotted path that never steps through a prototype. */
const ScopePath = z.string().refine((k) => !FORBIDDEN_SEGMENT.test(k), { message: 'a path may not name __proto__, constructor or prototype' });

const Body = {
  json: Template.optional().describe('a JSON body (templated)'),
  body: TemplateText.optional().describe('a raw text body (templated)'),
  bytes: z.number().int().min(0).max(64 * 1024 * 1024).optional().describe('a binary body of this many bytes (application/octet-stream)'),
  contentType: z.string().optional(),
};

const SetupRequest = z.strictObject({
  method: SetupMethod,
  path: z.string().startsWith('/').superRefine(checkTemplates).describe('path (and query), templated'),
  token: TemplateText.nullable().optional().describe('bearer token (templated); default: none in setup'),
  headers: z.record(z.string(), TemplateText).optional(),
  ...Body,
});

const Count = z.union([
  z.number().int().min(0).max(100_000),
  z
    .strictObject({
      expected: z.string().describe('operation id: as many as the run is expected to send of it (×1.3 + 10), 0 if it is not in the mix'),
      max: z.number().int().min(1).max(100_000).optional(),
    })
    .describe('sized from the run'),
]);

export const SetupStep = z.strictObject({
  name: z.string().optional(),
  for: z
    .strictObject({
      users: z.number().int().min(1).optional().describe('only the first N users (default all)'),
      peers: z.number().int().min(1).max(100).optional().describe('for each user, the next N users in a ring (bound as peer)'),
      repeat: z.number().int().min(1).max(10_000).optional().describe('each combination this many times (bound as r)'),
      count: Count.optional().describe('instead: i = 0…count-1, user = users[i mod n], peer = users[i+1 mod n]'),
    })
    .optional()
    .describe('default: once per user'),
  request: SetupRequest,
  save: z.record(ScopePath, SaveSource).optional().describe('target ("user.token", "peer.inbox[]", "pool.refresh[]") → source ("$.json.path" in the response, or a template)'),
  optional: z.boolean().optional().describe('a failed request is ignored (e.g. already exists)'),
  retry: z.strictObject({ attempts: z.number().int().min(1).max(1000), interval: Duration.prefault('100ms') }).optional().describe('retry until 2xx (eventually consistent reads)'),
});

export const OperationRequest = z.strictObject({
  with: z.record(ScopePath, z.string()).optional().describe('bindings evaluated first, in order (name → expr)'),
  params: z.record(z.string(), Template).optional().describe('values for the route’s {param}s'),
  query: z.record(z.string(), Template).optional(),
  token: TemplateText.nullable().optional().describe('bearer token (templated); null: none; default: the profile’s token'),
  headers: z.record(z.string(), TemplateText).optional(),
  ...Body,
});

export const LoadProfile = z.strictObject({
  apiVersion: z.literal('archsim/v1'),
  kind: z.literal('LoadProfile'),
  description: z.string().optional(),
  users: z.number().int().min(1).max(10_000).prefault(16).describe('users setup creates (bound as user; names are unique per run)'),
  vars: z.record(z.string(), z.unknown()).prefault({}).describe('constants for templates ({{vars.x}})'),
  token: TemplateText.nullable().prefault(null).describe('the bearer token of a request by default, e.g. "{{user.token}}"'),
  setup: z.array(SetupStep).prefault([]).describe('requests run once before the load, step by step (seeding and logging in)'),
  requests: z.record(z.string(), OperationRequest).prefault({}).describe('operation id → how to build its request'),
});

export type LoadProfile = z.output<typeof LoadProfile>;
export type SetupStep = z.output<typeof SetupStep>;
export type OperationRequest = z.output<typeof OperationRequest>;
