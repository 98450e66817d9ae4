// The system's gRPC contract (proto/system.proto) and the standard health service
// (proto/health.proto), loaded once. Fields keep their .proto names (body_json, result_json).
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as protoLoader from '@grpc/proto-loader';

/** proto/ beside src/ and dist/ (this file runs as dist/src/proto.js or src/proto.ts). */
const DIR = fileURLToPath(new URL('../../proto/', import.meta.url));
const OPTIONS: protoLoader.Options = { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true };

export const PACKAGE = "rpc_shop2.v1";
export const HEALTH_SERVICE = 'grpc.health.v1.Health';

/** What every method takes and answers (OperationInput and OperationResult in the .proto). */
export interface WireInput {
  params: Record<string, string>;
  body_json: string;
}
export interface WireResult {
  result_json: string;
}

let system: protoLoader.PackageDefinition | undefined;
let health: protoLoader.PackageDefinition | undefined;

/** A service of the system's .proto or the health .proto by its full name. */
export function serviceDefinition(fullName: string): protoLoader.ServiceDefinition {
  system ??= protoLoader.loadSync(join(DIR, 'system.proto'), OPTIONS);
  health ??= protoLoader.loadSync(join(DIR, 'health.proto'), OPTIONS);
  const def = system[fullName] ?? health[fullName];
  if (!def || 'format' in def) throw new Error(`no gRPC service ${fullName} in proto/`);
  return def as protoLoader.ServiceDefinition;
}
