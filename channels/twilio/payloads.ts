/**
 * The parts of Twilio's webhook requests this channel reads, validated with zod (400 when they are
 * missing or malformed). Objects are not strict: Twilio adds parameters over time.
 */
import { z } from 'zod';
import { MENUS } from './voice-flow';

const optionalText = (max: number) => z.string().max(max).optional();

export const callSchema = z.object({
  CallSid: z.string().regex(/^CA[0-9a-fA-F]{32}$/, 'CallSid must be CA followed by 32 hex digits'),
  From: optionalText(128),
  To: optionalText(128),
  Digits: optionalText(32),
  SpeechResult: optionalText(2000),
  DialCallStatus: optionalText(32),
  QueueResult: optionalText(32),
  QueueSid: optionalText(64),
});

const handoffId = z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER);

export const gatherQuerySchema = z.object({
  step: z.coerce.number().int().min(1).max(10_000),
  menu: z.enum(MENUS).default('main'),
  miss: z.coerce.number().int().min(0).max(5).default(0),
  /** After <Enqueue> into a handoff's own queue (phone-handoff.ts). */
  handoff: handoffId.optional(),
});

/** The wait URL of a handoff's queue. */
export const waitQuerySchema = z.object({ handoff: handoffId });

export const smsSchema = z.object({
  MessageSid: z
    .string()
    .regex(/^[SM]M[0-9a-fA-F]{32}$/, 'MessageSid must be SM or MM followed by 32 hex digits'),
  From: z.string().min(1).max(128),
  To: optionalText(128),
  Body: z.string().max(1600).default(''),
});
