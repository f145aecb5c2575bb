/**
 * Phone numbers in this channel's logs: only the last three digits stay ("***567"), whatever the
 * country (src/log.ts masks Vietnamese numbers in every string, not foreign ones).
 */
export function maskPhone(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const digits = value.replace(/\D/g, '');
  if (digits.length < 6) return value.startsWith('client:') || value.startsWith('sip:') ? 'client' : value;
  return `***${digits.slice(-3)}`;
}
