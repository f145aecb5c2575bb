/**
 * Serves one file from disk as a static asset: read once into memory on first request, gzipped once
 * (the Web Chat bundle is 3.9 MB, about a quarter of that gzipped, which matters on a phone), with an
 * ETag, If-None-Match → 304, Cache-Control and `Vary: Accept-Encoding`.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { RequestHandler } from 'express';

const gzipAsync = promisify(gzip);

interface Loaded {
  raw: Buffer;
  gzipped: Buffer;
  etag: string;
}

export function staticFile(file: string, contentType: string, maxAgeSeconds: number): RequestHandler {
  let loaded: Promise<Loaded> | undefined;
  const load = async (): Promise<Loaded> => {
    const raw = await readFile(file);
    const gzipped = await gzipAsync(raw, { level: 9 });
    const etag = `"${createHash('sha256').update(raw).digest('base64url').slice(0, 27)}"`;
    return { raw, gzipped, etag };
  };
  return async (req, res) => {
    loaded ??= load().catch((error: unknown) => {
      loaded = undefined;
      throw error;
    });
    const { raw, gzipped, etag } = await loaded;
    res.set({
      'Content-Type': contentType,
      'Cache-Control': `public, max-age=${maxAgeSeconds}`,
      ETag: etag,
      Vary: 'Accept-Encoding',
      'X-Content-Type-Options': 'nosniff',
    });
    if (req.get('if-none-match') === etag) {
      res.status(304).end();
      return;
    }
    const useGzip = /\bgzip\b/.test(req.get('accept-encoding') ?? '');
    if (useGzip) res.set('Content-Encoding', 'gzip');
    res.send(useGzip ? gzipped : raw);
  };
}
