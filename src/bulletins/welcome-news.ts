/**
 * The "Tin mới" lines of the web chat welcome: the newest bulletins (at most WELCOME_MAX) sent to the
 * 'webchat' channel and not past their show_until (DEFAULT_SHOW_DAYS after sending when unset), each
 * as its title linked to its link, in markdown. Only for web chat conversations (Direct Line here,
 * 'webchat' through Azure). Never in the way of the welcome: a slow or failing database gives no line.
 */
import type { Pool } from 'pg';
import type { Logger } from '../log';
import { DEFAULT_SHOW_DAYS, WELCOME_MAX } from './limits';

export const WEBCHAT_CHANNEL_IDS: ReadonlySet<string> = new Set(['directline', 'webchat']);
/** Longest wait for the bulletins before the welcome goes without them. */
export const NEWS_TIMEOUT_MS = 1000;

export type WelcomeNews = (channelId: string | undefined, now: Date) => Promise<string | undefined>;

export function welcomeNews(pool: Pool, log: Logger): WelcomeNews {
  return async (channelId, now) => {
    if (!channelId || !WEBCHAT_CHANNEL_IDS.has(channelId)) return undefined;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), NEWS_TIMEOUT_MS);
      timer.unref();
    });
    try {
      const rows = await Promise.race([activeBulletins(pool, now), timeout]);
      if (!rows) log.warn('bulletins for the welcome took too long; welcome sent without them');
      return rows && rows.length > 0 ? rows.map(newsLine).join('\n\n') : undefined;
    } catch (error) {
      log.warn('bulletins for the welcome unavailable', { error });
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  };
}

export async function activeBulletins(
  pool: Pool,
  now: Date,
): Promise<{ title: string; link: string | null }[]> {
  const { rows } = await pool.query<{ title: string; link: string | null }>(
    `SELECT title, link FROM bulletins
     WHERE sent_at IS NOT NULL AND sent_at <= $1 AND 'webchat' = ANY (channels) AND status <> 'cancelled'
       AND COALESCE(show_until, sent_at + make_interval(days => $2)) > $1
     ORDER BY sent_at DESC, id DESC LIMIT $3`,
    [now, DEFAULT_SHOW_DAYS, WELCOME_MAX],
  );
  return rows;
}

export function newsLine(bulletin: { title: string; link: string | null }): string {
  const title = escapeMarkdown(bulletin.title);
  return bulletin.link ? `**Tin mới:** [${title}](${safeLink(bulletin.link)})` : `**Tin mới:** ${title}`;
}

/** Parentheses and spaces would end the markdown link early. */
function safeLink(link: string): string {
  return link.replace(/[()\s]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]<>#|~]/g, (c) => `\\${c}`);
}
