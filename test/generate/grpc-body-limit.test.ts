// grpc-js refuses a received message over 4 MiB by default (RESOURCE_EXHAUSTED): a gRPC unit
// whose operation declares `request: 8MiB` refused what the blueprint and its k6 script send.
import { describe, expect, it } from 'vitest';
import { generate } from '../../src/generate/index.js';
import { bp } from '../simulate/helpers.js';

const rpc = (size: string) =>
  bp(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: blobs }
system:
  domains:
    blobs:
      operations:
        put: { route: "PUT /blobs/{id}", cpu: 1ms, request: ${size} }
layouts:
  one:
    units: { store: { domains: [blobs], port: 50051, protocol: grpc } }
`);
const server = (size: string) => generate('scaffold', rpc(size), 'one').find((f) => f.path.endsWith('/src/grpc-server.ts'))!.content;

describe('a gRPC unit takes the requests its blueprint declares', () => {
  it('8 MiB declared: the server takes 9 MiB (the body and 10% for its framing), as the HTTP scaffold does', () => {
    expect(server('8MiB')).toContain("  const server = new grpc.Server({ 'grpc.max_receive_message_length': 9437184 });");
  });

  it('within grpc-js’s 4 MiB: the server keeps its default', () => {
    expect(server('3MiB')).toContain('  const server = new grpc.Server();');
    expect(server('3MiB')).not.toContain('max_receive_message_length');
  });
});
