/**
 * The webhook signature: header `X-ZEvent-Signature: mac=<hex>` where the mac is
 * hex(SHA-256(app_id + raw body + timestamp from the body + OA secret key)), no HMAC, no separator
 * (protocols.md §1.3). Hashed over the exact bytes received and compared in constant time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-zevent-signature';

export function zaloSignature(
  appId: string,
  rawBody: Buffer,
  timestamp: string,
  oaSecretKey: string,
): string {
  return createHash('sha256')
    .update(appId, 'utf8')
    .update(rawBody)
    .update(timestamp, 'utf8')
    .update(oaSecretKey, 'utf8')
    .digest('hex');
}

/** True when `header` (with or without the `mac=` prefix) is the signature of this delivery. */
export function verifyZaloSignature(
  header: string,
  appId: string,
  rawBody: Buffer,
  timestamp: string,
  oaSecretKey: string,
): boolean {
  const given = Buffer.from(header.trim().replace(/^mac=/i, '').toLowerCase(), 'utf8');
  const expected = Buffer.from(zaloSignature(appId, rawBody, timestamp, oaSecretKey), 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
