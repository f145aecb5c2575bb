/**
 * Splits a text into consecutive chunks of at most `max` characters (UTF-16 units, which never
 * undercounts), in order: whole lines packed together when they fit, a longer line cut after a
 * sentence, then between words, and only a single word longer than `max` cut anywhere.
 */

export function splitText(text: string, max: number): string[] {
  if (max < 2) throw new RangeError('max must be at least 2');
  const chunks: string[] = [];
  let current = '';
  const append = (piece: string, separator: string) => {
    if (!current) current = piece;
    else if (current.length + separator.length + piece.length <= max) current += separator + piece;
    else {
      const chunk = current.trim();
      if (chunk) chunks.push(chunk);
      current = piece;
    }
  };
  for (const line of text.split('\n')) {
    if (line.length <= max) append(line, '\n');
    else splitLine(line, max).forEach((piece, i) => append(piece, i === 0 ? '\n' : ' '));
  }
  const last = current.trim();
  if (last) chunks.push(last);
  return chunks;
}

/** A line too long for one chunk as pieces of at most `max`: sentences, then words, then slices. */
function splitLine(line: string, max: number): string[] {
  const pieces: string[] = [];
  for (const sentence of line.split(/(?<=[.!?;:…])\s+/)) {
    if (sentence.length <= max) {
      pieces.push(sentence);
      continue;
    }
    for (const word of sentence.split(/\s+/)) pieces.push(...sliceWord(word, max));
  }
  return pieces.filter((p) => p.length > 0);
}

/** A word longer than `max` in slices, never cutting a surrogate pair (an emoji) in two. */
function sliceWord(word: string, max: number): string[] {
  const slices: string[] = [];
  let start = 0;
  while (start < word.length) {
    let end = Math.min(word.length, start + max);
    const code = word.charCodeAt(end - 1);
    if (end < word.length && code >= 0xd800 && code <= 0xdbff && end - 1 > start) end -= 1;
    slices.push(word.slice(start, end));
    start = end;
  }
  return slices;
}
