/**
 * Structured logs: one JSON object a line on stderr (stdout stays free for command output).
 * Citizen ID numbers (12-digit CCCD) and phone numbers are masked in every string logged.
 */
type Level = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<Level | 'silent', number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

export type Logger = Record<Level, (msg: string, fields?: Record<string, unknown>) => void>;

/** Masks 12-digit citizen ID numbers, Vietnamese and international (E.164) phone numbers, keeping the last digits for support. */
export function maskPersonalData(text: string): string {
  return text
    .replace(/\+(?!84)\d{7,12}(\d{3})(?!\d)/g, '+***$1')
    .replace(/(?<!\d)\d{9}(\d{3})(?!\d)/g, '*********$1')
    .replace(
      // 0…, +84…, 0084…, 84…; digits apart by spaces, dots, dashes or brackets ("(0238) 3823 456").
      /(?<![\d*])\(?(?:(?:\+|00)?84|0)(?:[\s.()-]{0,2}\d){6,8}((?:[\s.()-]{0,2}\d){2})(?!\d)/g,
      (_m, tail: string) => `***${tail.replace(/\D/g, '')}`,
    );
}

function maskDeep(value: unknown): unknown {
  if (typeof value === 'string') return maskPersonalData(value);
  if (Array.isArray(value)) return value.map(maskDeep);
  if (value instanceof Error) {
    const stack = value.stack === undefined ? undefined : maskPersonalData(value.stack);
    return { name: value.name, message: maskPersonalData(value.message), stack };
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskDeep(v)]));
  }
  return value;
}

export function createLogger(
  level: Level | 'silent' = 'info',
  write: (line: string) => void = (l) => process.stderr.write(l + '\n'),
): Logger {
  const at =
    (l: Level) =>
    (msg: string, fields: Record<string, unknown> = {}) => {
      if (ORDER[l] < ORDER[level]) return;
      write(
        JSON.stringify({
          time: new Date().toISOString(),
          level: l,
          msg: maskPersonalData(msg),
          ...(maskDeep(fields) as object),
        }),
      );
    };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
