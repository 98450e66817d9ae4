import type { FastifyInstance } from 'fastify';
import type { Readable } from 'node:stream';
import { principal, uuid, type DomainContext } from '../../runtime/context.js';
import { HttpError } from '../../runtime/errors.js';
import { servedType, type MediaService } from './service.js';

const idParams = { type: 'object', required: ['id'], properties: { id: uuid } } as const;

export const routes = (s: MediaService, ctx: DomainContext) => async (app: FastifyInstance) => {
  const auth = { onRequest: ctx.authenticate };
  // Uploads are raw bytes (any content type): the body stays a stream and the service meters it.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_req, payload, done) => done(null, payload));
  app.post<{ Headers: { 'x-file-name'?: string; 'content-type'?: string; 'content-length'?: string } }>(
    '/api/v1/media/upload',
    {
      ...auth,
      schema: { headers: { type: 'object', properties: { 'x-file-name': { type: 'string', minLength: 1, maxLength: 255, pattern: '^[^/\\\\]+$' } } } },
    },
    async (req, reply) => {
      const length = req.headers['content-length'];
      const body = (req.body as Readable | undefined) ?? req.raw;
      try {
        const info = await s.upload(principal(req).userId, body, {
          fileName: req.headers['x-file-name'] ?? 'upload.bin',
          fileType: (req.headers['content-type'] ?? 'application/octet-stream').slice(0, 100),
          ...(length !== undefined ? { declaredLength: Number(length) } : {}),
        });
        return reply.code(201).send(info);
      } catch (e) {
        // A refused upload (413) is drained by the error handler (unit.ts); anything else that
        // left the body unread closes the connection.
        if (!req.raw.readableEnded && !(e instanceof HttpError && e.status === 413)) reply.header('connection', 'close');
        throw e;
      }
    },
  );
  app.get<{ Params: { id: string } }>('/api/v1/media/:id', { ...auth, schema: { params: idParams } }, async (req, reply) => {
    const { info, stream } = await s.open(principal(req).userId, req.params.id);
    // Never the uploader's type verbatim (text/html would run in our origin): a safe type, nosniff,
    // a download, and a sandbox for good measure.
    return reply
      .header('content-type', servedType(info.fileType))
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', "default-src 'none'; sandbox")
      .header('content-length', info.size)
      .header('x-sha256', info.sha256)
      .header('content-disposition', `attachment; filename="${encodeURIComponent(info.fileName)}"`)
      .send(stream);
  });
  app.delete<{ Params: { id: string } }>('/api/v1/media/:id', { ...auth, schema: { params: idParams } }, async (req, reply) => {
    await s.delete(principal(req).userId, req.params.id);
    return reply.code(204).send();
  });
};
