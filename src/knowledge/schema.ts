/**
 * The one schema of the knowledge files (zod). The loader validates every file with it, the editor
 * (later) validates drafts with it, and the engine consumes the types inferred from it.
 */
import { z } from 'zod';

export const FACETS = [
  'overview',
  'documents',
  'fee',
  'processing_time',
  'authority',
  'online_steps',
  'eligibility',
  'legal_basis',
  'result',
] as const;
export type Facet = (typeof FACETS)[number];
export const facetSchema = z.enum(FACETS);

/** Facets every guide must have; eligibility only where it applies. */
export const REQUIRED_FACETS: readonly Facet[] = FACETS.filter((f) => f !== 'eligibility');

/** `## heading` of a guide section → its facet. Matching ignores case and diacritics. */
export const SECTION_HEADINGS: Record<string, Facet> = {
  'Tổng quan': 'overview',
  'Giấy tờ cần nộp': 'documents',
  'Lệ phí': 'fee',
  'Thời gian giải quyết': 'processing_time',
  'Nơi nộp': 'authority',
  'Nộp trực tuyến': 'online_steps',
  'Điều kiện': 'eligibility',
  'Căn cứ pháp lý': 'legal_basis',
  'Kết quả': 'result',
};

const text = z.string().trim().min(1, 'must not be empty');
const isoDate = z
  .union([z.string(), z.date()])
  .transform((v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v))
  .pipe(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD'));
const guideId = z.string().regex(/^[a-z0-9-]+\/[a-z0-9-]+$/, 'must look like family/name, e.g. ho-tich/khai-sinh');

export const sourceSchema = z.strictObject({
  title: text,
  url: z.url().optional(),
});

export const englishSummarySchema = z
  .strictObject({
    title: text,
    overview: text,
    documents: text,
    fee: text,
    authority: text,
  })
  .catchall(text)
  .refine((en) => Object.keys(en).every((k) => k === 'title' || (FACETS as readonly string[]).includes(k)), {
    message: `keys must be title or facets (${FACETS.join(', ')})`,
  });

/** Front matter of a guide file. */
export const guideFrontMatterSchema = z.strictObject({
  id: guideId,
  title: text,
  aliases: z.array(text).default([]),
  related: z.array(guideId).default([]),
  procedure_codes: z.array(z.coerce.string()).default([]),
  online_url: z.url().optional(),
  reviewed: isoDate,
  sources: z.array(sourceSchema).min(1, 'cite at least one source'),
  examples: z.array(text).min(15, 'needs at least 15 example questions'),
  en: englishSummarySchema,
});

export const guideSchema = guideFrontMatterSchema.extend({
  facets: z.partialRecord(facetSchema, text).refine((f) => REQUIRED_FACETS.every((k) => f[k] !== undefined), {
    message: `needs the sections ${Object.entries(SECTION_HEADINGS)
      .filter(([, f]) => f !== 'eligibility')
      .map(([h]) => h)
      .join(', ')}`,
  }),
});
export type Guide = z.infer<typeof guideSchema>;

const bilingual = z.strictObject({ vi: text, en: text });
export type Bilingual = z.infer<typeof bilingual>;

export const SMALL_TALK_INTENTS = ['greeting', 'thanks', 'goodbye', 'handoff_request'] as const;
export type SmallTalkIntent = (typeof SMALL_TALK_INTENTS)[number];

export const intentsFileSchema = z.strictObject({
  intents: z.array(
    z.strictObject({
      intent: z.enum(SMALL_TALK_INTENTS),
      examples: z.array(text).min(5),
      reply: bilingual,
    }),
  ),
});
export type IntentsFile = z.infer<typeof intentsFileSchema>;

export const outOfScopeFileSchema = z.strictObject({
  fallback: bilingual,
  topics: z.array(
    z.strictObject({
      id: z.string().regex(/^[a-z0-9-]+$/),
      title: text,
      handled_by: text.optional(),
      examples: z.array(text).min(5),
      reply: bilingual,
    }),
  ),
});
export type OutOfScopeFile = z.infer<typeof outOfScopeFileSchema>;

export const lexiconFileSchema = z.strictObject({
  abbreviations: z.record(z.string(), z.coerce.string()),
  synonyms: z.array(z.strictObject({ means: text, phrases: z.array(z.coerce.string()).min(1) })),
  stopwords: z.array(z.coerce.string()).default([]),
  accented_stopwords: z.array(text).default([]),
  /** Domain words that do not name a procedure ("hồ sơ", "giấy", "nộp"): matched, but a follow-up made
   * of them and a facet does not change the conversation's procedure. */
  generic: z.array(z.coerce.string()).default([]),
});
export type LexiconFile = z.infer<typeof lexiconFileSchema>;

export const facetsFileSchema = z.strictObject({
  facets: z.array(
    z.strictObject({
      facet: facetSchema,
      label: bilingual,
      cues: z.array(text).min(1),
      /** Phrases of any yes/no question ("được không"): they select the facet only when no cue matches. */
      weak_cues: z.array(text).default([]),
    }),
  ),
  /** Signals that a message wants a person, by the reason stored on the handoff (beside handoff examples). */
  handoff_cues: z
    .strictObject({
      /** Anger, insults, complaints about the service. */
      complaint: z.array(text).default([]),
      /** A question about the citizen's own file; `<số>` stands for any word with a digit. */
      own_file: z.array(text).default([]),
      /** An explicit wish for a person. */
      asked: z.array(text).default([]),
    })
    .default({ complaint: [], own_file: [], asked: [] }),
  /** A wish to complain ("tôi muốn khiếu nại"): a complaint handoff unless a how_to cue is in the message. */
  complaint_wishes: z.array(text).default([]),
  /** Phrases of a question about how to do something ("thủ tục", "ở đâu", "thế nào"). */
  how_to_cues: z.array(text).default([]),
});
export type FacetsFile = z.infer<typeof facetsFileSchema>;

export const repliesFileSchema = z.strictObject({
  clarify: bilingual,
  fallback_handoff: bilingual,
  handoff: bilingual,
  online_prefix: bilingual,
  source_prefix: bilingual,
  reviewed_prefix: bilingual,
  handoff_choice: bilingual,
  procedure_page: bilingual,
  details_in_vietnamese: bilingual,
  welcome: bilingual,
  welcome_choices: z.array(text).default([]),
  error: bilingual,
  non_text: bilingual,
  too_long: bilingual,
  handoff_position: bilingual,
  handoff_taken: bilingual,
  queued_notice: bilingual,
  csat_question: bilingual,
  csat_thanks: bilingual,
  /** Outside opening hours; {hours} the schedule, {opening} when it next opens. */
  handoff_closed: bilingual,
  /** The same without callbacks (no database): the hours only. */
  handoff_closed_hours: bilingual,
  callback_choice: bilingual,
  continue_choice: bilingual,
  callback_ask_phone: bilingual,
  callback_retry: bilingual,
  /** {hours}: the schedule. */
  callback_give_up: bilingual,
  /** {tail}: the last digits of the number; {opening}: when the centre opens. */
  callback_confirmed: bilingual,
  /** {hours}: the schedule. */
  callback_failed: bilingual,
  continue_with_bot: bilingual,
});
export type RepliesFile = z.infer<typeof repliesFileSchema>;

/** Everything the engine needs, loaded and validated. */
export interface Knowledge {
  version: string;
  guides: Guide[];
  intents: IntentsFile['intents'];
  outOfScope: OutOfScopeFile;
  lexicon: LexiconFile;
  facets: FacetsFile;
  replies: RepliesFile;
}
