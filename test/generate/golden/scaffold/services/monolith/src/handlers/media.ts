// Handlers of the media domain: Encrypted attachments; metadata in PostgreSQL, bytes in object storage.
// Tables owned: media_attachments, media_objects. Each handler answers 501 until implemented.
import type { FastifyReply, FastifyRequest } from 'fastify';

function notImplemented(reply: FastifyReply, operation: string) {
  return reply.code(501).send({ error: 'Not Implemented', operation });
}

export type UploadRequest = FastifyRequest<{ Params: Record<string, never>; Body: Record<string, unknown> }>;

/** media.upload. POST /api/v1/media/upload: cpu ≈4 ms; db 0 read(s), 1 write(s); calls auth.verify-token. */
export async function handleUpload(_req: UploadRequest, reply: FastifyReply): Promise<unknown> {
  // TODO: implement media.upload.
  return notImplemented(reply, "media.upload");
}

export type DeleteRequest = FastifyRequest<{ Params: { id: string }; Body: undefined }>;

/** media.delete. DELETE /api/v1/media/{id}: cpu ≈0.5 ms; db 1 read(s), 1 write(s); calls auth.verify-token. */
export async function handleDelete(_req: DeleteRequest, reply: FastifyReply): Promise<unknown> {
  // TODO: implement media.delete.
  return notImplemented(reply, "media.delete");
}

export type DownloadRequest = FastifyRequest<{ Params: { id: string }; Body: undefined }>;

/** media.download. GET /api/v1/media/{id}: cpu ≈2 ms; db 1 read(s), 0 write(s); calls auth.verify-token. */
export async function handleDownload(_req: DownloadRequest, reply: FastifyReply): Promise<unknown> {
  // TODO: implement media.download.
  return notImplemented(reply, "media.download");
}
