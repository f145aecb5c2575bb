/**
 * Configuration, parsed once from the environment with zod (names of ../shared/contracts.md §6).
 * Everything else receives the parsed object; nothing reads process.env on its own.
 */
import path from 'node:path';
import { z } from 'zod';
import { openingHoursSchema } from './handoff/opening-hours';

const optional = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

export const configSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3978),
  DATABASE_URL: optional,
  PUBLIC_BASE_URL: optional.pipe(z.url().optional()),
  KNOWLEDGE_DIR: z.string().default(path.resolve(__dirname, '..', 'knowledge')),
  DATA_DIR: z.string().default(path.resolve(__dirname, '..', 'data')),
  /** The question sets the publish gate runs (eval/*.jsonl). */
  EVAL_DIR: z.string().default(path.resolve(__dirname, '..', 'eval')),
  EMBEDDING_MODEL_DIR: optional,
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  ZALO_APP_ID: optional,
  ZALO_OA_SECRET_KEY: optional,
  ZALO_ACCESS_TOKEN: optional,
  ZALO_REFRESH_TOKEN: optional,
  ZALO_APP_SECRET: optional,
  ZALO_API_BASE: z.url().default('https://openapi.zalo.me'),
  ZALO_OAUTH_BASE: z.url().default('https://oauth.zaloapp.com'),
  TWILIO_ACCOUNT_SID: optional,
  TWILIO_AUTH_TOKEN: optional,
  TWILIO_SMS_FROM: optional,
  TWILIO_API_BASE: z.url().default('https://api.twilio.com'),
  TWILIO_HANDOFF_QUEUE: z.string().trim().min(1).max(64).default('tro-ly-tu-phap'),
  TWILIO_HANDOFF_DIAL: optional.pipe(
    z
      .string()
      .regex(/^(?:\+[1-9]\d{5,14}|sips?:\S+)$/, 'an E.164 number (+84…) or a SIP URI (sip:…)')
      .optional(),
  ),
  /** The number calls to officers come from (the console's "answer"); default TWILIO_SMS_FROM. */
  TWILIO_VOICE_FROM: optional.pipe(
    z
      .string()
      .regex(/^\+[1-9]\d{5,14}$/, 'an E.164 number (+84…)')
      .optional(),
  ),
  OPENING_HOURS: openingHoursSchema,
  MicrosoftAppId: optional,
  MicrosoftAppPassword: optional,
  MicrosoftAppType: optional,
  MicrosoftAppTenantId: optional,
  DIRECTLINE_SECRET: optional.pipe(z.string().min(16, 'at least 16 characters').optional()),
  /** Bearer token for GET /metrics; unset = served to loopback requests only. */
  METRICS_TOKEN: optional.pipe(z.string().min(16, 'at least 16 characters').optional()),
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {}

export function parseConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
  throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
}
