// Encrypted attachments. Uploads are streamed to disk (never buffered whole) with a running
// size check and SHA-256; metadata goes to PostgreSQL. An attachment belongs to its uploader;
// attaching it to a message (only your own) lets that message's recipient read it too. Only
// the owner deletes. Downloads are served as a safe type (see SAFE_TYPES) with nosniff.
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import type { DomainContext } from '../../runtime/context.js';
import { badRequest, HttpError, notFound } from '../../runtime/errors.js';
import type { MediaAccess, MediaClient, MediaInfo } from './client.js';

interface AttachmentRow extends Record<string, unknown> {
  id: string;
  owner_id: string;
  file_name: string;
  file_type: string;
  file_size: string;
  file_url: string;
  sha256: string;
  created_at: Date;
}

const view = (r: AttachmentRow): MediaInfo => ({
  id: r.id,
  ownerId: r.owner_id,
  fileName: r.file_name,
  fileType: r.file_type,
  size: Number(r.file_size),
  sha256: r.sha256,
  createdAt: r.created_at.toISOString(),
});

/** Types a browser may render inline without running anything; everything else is served as bytes. */
const SAFE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'audio/mpeg', 'audio/ogg', 'audio/webm', 'video/mp4', 'video/webm', 'application/pdf', 'application/octet-stream']);
export const servedType = (declared: string) => {
  const t = declared.split(';')[0]!.trim().toLowerCase();
  return SAFE_TYPES.has(t) ? t : 'application/octet-stream';
};

const tooLarge = (max: number) => new HttpError(413, 'payload_too_large', `upload exceeds ${max} bytes`);

export class MediaService implements MediaClient {
  constructor(private readonly ctx: DomainContext) {}

  async upload(me: string, body: Readable, meta: { fileName: string; fileType: string; declaredLength?: number }) {
    const max = this.ctx.config.mediaMaxBytes;
    if (meta.declaredLength !== undefined && meta.declaredLength > max) throw tooLarge(max);
    const dir = this.ctx.config.mediaDir;
    await mkdir(dir, { recursive: true });
    const id = randomUUID();
    const key = `${id}.bin`;
    const part = join(dir, `${key}.part`);
    const hash = createHash('sha256');
    let size = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        size += chunk.length;
        if (size > max) return done(tooLarge(max));
        hash.update(chunk);
        done(null, chunk);
      },
    });
    // The request is piped, not put in the pipeline: a refused upload must not destroy it (and
    // its socket) under a client still sending; the error handler drains it and answers 413.
    const onSourceError = (e: Error) => meter.destroy(e);
    // A client that goes away mid-upload: the body closes without ending.
    const onSourceClose = () => {
      if (!body.readableEnded) meter.destroy(new Error('client closed the upload'));
    };
    body.once('error', onSourceError);
    body.once('close', onSourceClose);
    body.pipe(meter);
    try {
      await pipeline(meter, createWriteStream(part));
    } catch (e) {
      body.unpipe(meter);
      await rm(part, { force: true });
      throw e instanceof HttpError ? e : badRequest(`upload interrupted: ${(e as Error).message}`, ['body']);
    } finally {
      body.off('error', onSourceError);
      body.off('close', onSourceClose);
    }
    if (size === 0) {
      await rm(part, { force: true });
      throw badRequest('empty upload', ['body']);
    }
    await rename(part, join(dir, key));
    const sha256 = hash.digest('hex');
    const row = await this.ctx.db.tx(async (q) => {
      await q.query('INSERT INTO media.media_objects (key, size, sha256) VALUES ($1, $2, $3)', [key, size, sha256]);
      return q.one<AttachmentRow>(
        `INSERT INTO media.media_attachments (id, owner_id, file_name, file_type, file_size, file_url) VALUES ($1, $2, $3, $4, $5, $6)
         RETURNING *, (SELECT sha256 FROM media.media_objects WHERE key = $6) AS sha256`,
        [id, me, meta.fileName, meta.fileType, size, key],
      );
    });
    return view(row!);
  }

  async open(me: string, id: string) {
    const r = await this.find(me, id, true);
    const path = join(this.ctx.config.mediaDir, r.file_url);
    await stat(path).catch(() => {
      throw notFound('media object');
    });
    return { info: view(r), stream: createReadStream(path) };
  }

  async delete(me: string, id: string) {
    const r = await this.find(me, id);
    await this.ctx.db.tx(async (q) => {
      // Grants go with the attachment (ON DELETE CASCADE).
      await q.query('DELETE FROM media.media_attachments WHERE id = $1', [id]);
      await q.query('DELETE FROM media.media_objects WHERE key = $1', [r.file_url]);
    });
    await rm(join(this.ctx.config.mediaDir, r.file_url), { force: true });
  }

  async resolve(ids: string[], access: MediaAccess) {
    if (!Array.isArray(ids) || !access || typeof access.viewer !== 'string') throw badRequest('resolve(ids, {viewer})', ['args']);
    if (access.grantTo) {
      // Attaching: the viewer's own attachments only, then the recipient may read them.
      const rows = await this.ctx.db.tx(async (q) => {
        const own = await q.query<AttachmentRow>(
          'SELECT a.*, o.sha256 FROM media.media_attachments a JOIN media.media_objects o ON o.key = a.file_url WHERE a.id = ANY($1::uuid[]) AND a.owner_id = $2',
          [ids, access.viewer],
        );
        if (own.length) await q.query('INSERT INTO media.media_grants (media_id, user_id) SELECT unnest($1::uuid[]), $2 ON CONFLICT DO NOTHING', [own.map((r) => r.id), access.grantTo]);
        return own;
      });
      return rows.map(view);
    }
    const rows = await this.ctx.db.query<AttachmentRow>(
      `SELECT a.*, o.sha256 FROM media.media_attachments a JOIN media.media_objects o ON o.key = a.file_url
       WHERE a.id = ANY($1::uuid[]) AND (a.owner_id = $2 OR EXISTS (SELECT 1 FROM media.media_grants g WHERE g.media_id = a.id AND g.user_id = $2))`,
      [ids, access.viewer],
    );
    return rows.map(view);
  }

  /** An attachment the caller owns (or, to read, was sent); anyone else gets 404 (no existence leak). */
  private async find(me: string, id: string, read = false) {
    const r = await this.ctx.db.one<AttachmentRow>(
      `SELECT a.*, o.sha256 FROM media.media_attachments a JOIN media.media_objects o ON o.key = a.file_url
       WHERE a.id = $1 AND (a.owner_id = $2 OR ($3 AND EXISTS (SELECT 1 FROM media.media_grants g WHERE g.media_id = a.id AND g.user_id = $2)))`,
      [id, me, read],
    );
    if (!r) throw notFound('media');
    return r;
  }
}
