// Encrypted attachments. Uploads are streamed to disk (never buffered whole) with a running
// size check and SHA-256; metadata goes to PostgreSQL. Only the owner can download or delete.
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import type { DomainContext } from '../../runtime/context.js';
import { badRequest, HttpError, notFound } from '../../runtime/errors.js';
import type { MediaClient, MediaInfo } from './client.js';

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
    try {
      await pipeline(body, meter, createWriteStream(part));
    } catch (e) {
      await rm(part, { force: true });
      // The client may still be sending: the caller closes the connection after replying.
      throw e instanceof HttpError ? e : badRequest(`upload interrupted: ${(e as Error).message}`, ['body']);
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
    const r = await this.find(me, id);
    const path = join(this.ctx.config.mediaDir, r.file_url);
    await stat(path).catch(() => {
      throw notFound('media object');
    });
    return { info: view(r), stream: createReadStream(path) };
  }

  async delete(me: string, id: string) {
    const r = await this.find(me, id);
    await this.ctx.db.tx(async (q) => {
      await q.query('DELETE FROM media.media_attachments WHERE id = $1', [id]);
      await q.query('DELETE FROM media.media_objects WHERE key = $1', [r.file_url]);
    });
    await rm(join(this.ctx.config.mediaDir, r.file_url), { force: true });
  }

  async resolve(ids: string[]) {
    const rows = await this.ctx.db.query<AttachmentRow>(
      'SELECT a.*, o.sha256 FROM media.media_attachments a JOIN media.media_objects o ON o.key = a.file_url WHERE a.id = ANY($1::uuid[])',
      [ids],
    );
    return rows.map(view);
  }

  private async find(me: string, id: string) {
    const r = await this.ctx.db.one<AttachmentRow>(
      'SELECT a.*, o.sha256 FROM media.media_attachments a JOIN media.media_objects o ON o.key = a.file_url WHERE a.id = $1 AND a.owner_id = $2',
      [id, me],
    );
    if (!r) throw notFound('media');
    return r;
  }
}
