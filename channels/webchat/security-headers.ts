/**
 * The citizen page's security headers. The Content-Security-Policy allows only this origin: scripts
 * from 'self' (Web Chat's bundle needs no 'unsafe-eval': the e2e test fails on any CSP violation),
 * styles from 'self' plus the per-response nonce Web Chat gives the <style> elements it creates
 * (emotion) and the hash of an empty <style> (see EMPTY_STYLE_HASH), images from 'self', data: and blob:, connections to 'self' (which covers ws:/wss: to the
 * same host) and the WebSocket origin of PUBLIC_BASE_URL when it is set.
 */
import { randomBytes } from 'node:crypto';
import type { Response } from 'express';

export function newNonce(): string {
  return randomBytes(16).toString('base64');
}

/** The ws:/wss: origin matching a public https:/http: base URL, for connect-src. */
export function socketOrigin(publicBaseUrl: string | undefined): string | undefined {
  if (!publicBaseUrl) return undefined;
  const url = new URL(publicBaseUrl);
  return `${url.protocol === 'https:' ? 'wss:' : 'ws:'}//${url.host}`;
}

/**
 * The hash of an empty <style> element. react-scroll-to-bottom (inside Web Chat 4.18) creates its
 * emotion <style> without the nonce; emotion then fills it with insertRule (CSSOM, which CSP allows),
 * so allowing exactly the empty element is enough and allows no style text.
 */
export const EMPTY_STYLE_HASH = "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='";

export function contentSecurityPolicy(nonce: string, publicBaseUrl: string | undefined): string {
  const socket = socketOrigin(publicBaseUrl);
  return [
    "default-src 'none'",
    "script-src 'self'",
    `style-src 'self' 'nonce-${nonce}' ${EMPTY_STYLE_HASH}`,
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "media-src 'self' blob: data:",
    `connect-src 'self'${socket ? ` ${socket}` : ''}`,
    "manifest-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

export function setPageHeaders(res: Response, nonce: string, publicBaseUrl: string | undefined): void {
  res.set({
    'Content-Security-Policy': contentSecurityPolicy(nonce, publicBaseUrl),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=()',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cache-Control': 'no-cache',
  });
}
