/**
 * Small shared pieces of the Zalo HTTP calls: the error type, base-URL joining, a body read that
 * never throws, and a one-line description of an error body (codes and messages, never tokens).
 */

export class ZaloApiError extends Error {
  constructor(
    message: string,
    /** Zalo's `error` code when it gave one. */
    readonly code?: number,
    /** HTTP status when the failure was an HTTP one. */
    readonly status?: number,
  ) {
    super(message);
    this.name = 'ZaloApiError';
  }
}

export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}${path}`;
}

export async function readJson(res: Response): Promise<unknown> {
  try {
    return JSON.parse(await res.text()) as unknown;
  } catch {
    return undefined;
  }
}

/** `error -216 (Access token is invalid)` from a Zalo error body; only its code and message fields. */
export function describeError(body: unknown, status: number): string {
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const code = typeof b.error === 'number' ? b.error : undefined;
  const text = [b.message, b.error_name, b.error_description].find((v): v is string => typeof v === 'string');
  const parts = [code !== undefined ? `error ${code}` : `HTTP ${status}`];
  if (text) parts.push(`(${text.slice(0, 200)})`);
  return parts.join(' ');
}
