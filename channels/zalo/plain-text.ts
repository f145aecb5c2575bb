/**
 * The bot's light markdown as Zalo plain text: bold and italics markers removed, `[title](url)` as
 * "title: url", headings and inline code unmarked, `*` bullets as `-`. URLs are left untouched (an
 * underscore in a link is not italics).
 */

const URL_PATTERN = /https?:\/\/[^\s<>()]+/g;

export function markdownToPlainText(markdown: string): string {
  let text = markdown.replace(/\r\n?/g, '\n');
  // Links first, so their titles lose emphasis like any text and their URLs are protected below.
  text = text.replace(
    /\[([^\]\n]*)\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g,
    (_m, title: string, url: string) =>
      title.trim() && title.trim() !== url ? `${title.trim()}: ${url}` : url,
  );
  text = text.replace(/<(https?:\/\/[^>\s]+)>/g, '$1');

  const urls: string[] = [];
  text = text.replace(URL_PATTERN, (url) => `\u0000${urls.push(url) - 1}\u0000`);

  text = text
    .replace(/^[ \t]{0,3}#{1,6}[ \t]+(.*?)[ \t]*#*[ \t]*$/gm, '$1')
    .replace(/^([ \t]*)[*+][ \t]+/gm, '$1- ')
    .replace(/`([^`\n]+)`/g, '$1')
    .replace(/\*\*(?=\S)([\s\S]*?\S)\*\*/g, '$1')
    .replace(/__(?=\S)([\s\S]*?\S)__/g, '$1')
    .replace(/(^|[^\p{L}\p{N}*])\*(?=\S)([^*\n]*?\S)\*(?![\p{L}\p{N}*])/gmu, '$1$2')
    .replace(/(^|[^\p{L}\p{N}_])_(?=\S)([^_\n]*?\S)_(?![\p{L}\p{N}_])/gmu, '$1$2')
    .replace(/\\([\\`*_[\]()#+\-.!])/g, '$1');

  text = text.replace(/\u0000(\d+)\u0000/g, (_m, i: string) => urls[Number(i)] ?? '');
  return text
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
