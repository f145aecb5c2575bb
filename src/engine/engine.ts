/**
 * The answer engine: text and conversation context in, a decision and the next context out.
 * Pure: no HTTP, database or channel; the dense ranker, when there is one, comes in through a port.
 *
 *   normalise → lexical (+ dense) ranking → one confidence → facet → policy
 *   (answer / clarify / referral / fallback / hand off / small talk) → composed answer
 */
import type { Facet, Guide, Knowledge } from '../knowledge/schema';
import { AnswerComposer } from './compose-answer';
import { confidence, DEFAULT_CALIBRATION, type Calibration, type ConfidenceFeatures } from './confidence';
import { FacetDetector } from './facet-detector';
import type { DenseRanker, Passage } from './ports';
import { LexicalRanker, type LexicalHit, type TargetKind } from './retrieval/lexical-ranker';
import { buildPassages, buildTargets, intentKey } from './targets';
import { Analyzer, type Analysis } from './text/analyzer';
import { detectLanguage, type Lang } from './text/language';
import { compileLexicon } from './text/lexicon';
import {
  NEW_CONVERSATION,
  type AnswerRecord,
  type ConversationContext,
  type EngineReply,
  type HandoffReason,
  type Intent,
} from './types';

export interface PolicySettings {
  /** At or above: answer. */
  answer: number;
  /** At or above (and below `answer`): ask which of the close candidates. */
  clarify: number;
  /** A different guide at least this confident replaces the conversation's procedure. */
  topicSwitch: number;
  /** Runner-up ratio s2/s1 above which two guides are too close to pick one without asking. */
  closeRatio: number;
  /** A guide outside the current neighbourhood must score this many times the current guide to switch. */
  switchRatio: number;
  /** A neighbour replaces the current procedure in a follow-up when it scores this much higher. */
  refineRatio: number;
  /** Small talk or a referral beats a guide that matched at most one specific word when it scores this share of it. */
  smallTalkRatio: number;
  /** Failed turns in a row before the engine hands off. */
  failuresBeforeHandoff: number;
  /** Weight of the dense ranker in the fused score (hybrid mode). */
  denseWeight: number;
}

export const DEFAULT_POLICY: PolicySettings = {
  answer: 0.5,
  clarify: 0.3,
  topicSwitch: 0.6,
  closeRatio: 0.93,
  switchRatio: 1.5,
  refineRatio: 1.0,
  smallTalkRatio: 0.3,
  failuresBeforeHandoff: 2,
  denseWeight: 0.3,
};

export interface EngineOptions {
  dense?: DenseRanker;
  policy?: Partial<PolicySettings>;
  calibration?: Calibration;
}

interface Scored {
  key: string;
  kind: TargetKind;
  score: number;
  /** Dense cosine, in hybrid mode. */
  dense?: number;
}

/** The best target for a text and the evidence behind its confidence (for calibration). */
export interface Explanation {
  top: { key: string; kind: TargetKind } | undefined;
  features: ConfidenceFeatures;
}

export class Engine {
  readonly version: string;
  readonly mode: 'lexical' | 'hybrid';
  private readonly analyzer: Analyzer;
  private readonly ranker: LexicalRanker;
  private readonly facets: FacetDetector;
  private readonly composer: AnswerComposer;
  private readonly guides: Map<string, Guide>;
  private readonly policy: PolicySettings;
  private readonly calibration: Calibration;
  private readonly targetsPassages: Passage[];

  constructor(
    private readonly knowledge: Knowledge,
    private readonly options: EngineOptions = {},
  ) {
    this.version = knowledge.version;
    this.mode = options.dense ? 'hybrid' : 'lexical';
    // Names and aliases of procedures are never swallowed by stopwords typed without diacritics.
    const names = knowledge.guides.flatMap((g) => [g.title, ...g.aliases]);
    this.analyzer = new Analyzer(compileLexicon(knowledge.lexicon, names));
    const targets = buildTargets(knowledge);
    this.ranker = new LexicalRanker(this.analyzer, targets);
    this.targetsPassages = buildPassages(targets);
    this.facets = new FacetDetector(knowledge.facets);
    this.composer = new AnswerComposer(knowledge);
    this.guides = new Map(knowledge.guides.map((g) => [g.id, g]));
    this.policy = { ...DEFAULT_POLICY, ...options.policy };
    this.calibration = options.calibration ?? DEFAULT_CALIBRATION;
  }

  /** Passages the dense index is built over (adapters embed them). */
  passages(): Passage[] {
    return this.targetsPassages;
  }

  get guideCount(): number {
    return this.guides.size;
  }

  /** The fixed sentences of the knowledge this engine was built from. */
  get replies(): Knowledge['replies'] {
    return this.knowledge.replies;
  }

  guide(id: string): Guide | undefined {
    return this.guides.get(id);
  }

  async ask(text: string, context: ConversationContext = NEW_CONVERSATION): Promise<EngineReply> {
    const analysis = this.analyzer.analyze(text);
    const lang = detectLanguage(analysis.syllables);
    const { facet, covered } = this.facets.detect(analysis.folded);
    // What the message says beyond the facet it asks about ("còn lệ phí thì sao?" says nothing more).
    const residual = analysis.folded.filter(
      (f, i) => !covered.has(i) && analysis.content.includes(f) && !this.analyzer.isGeneric(f),
    );
    const hits = await this.rank(analysis, text);
    const confidenceOf = (of: Scored) =>
      confidence(this.features(hits, of, analysis.content), this.calibration);
    const top = hits[0];
    const conf = top ? confidenceOf(top) : 0;

    // An explicit wish for a person, anger or a question about one's own file (handoff cues): before
    // follow-ups, since "hồ sơ của tôi đến đâu rồi" reads as a bare "where?" about the current procedure.
    const cued = this.facets.handoffReason(analysis.folded);
    if (cued) return this.handoff(hits, lang, context, conf, cued);

    // A bare follow-up ("còn lệ phí thì sao?", "làm ở đâu"): the facet of the conversation's procedure.
    const current = context.procedure ? this.guides.get(context.procedure) : undefined;
    if (current && facet && residual.length === 0) {
      return this.answer(current, facet, lang, Math.max(conf, this.policy.answer), hits);
    }

    // A message like the examples of the handoff intent.
    if (top?.key === intentKey('handoff_request') && conf >= this.policy.clarify) {
      return this.handoff(hits, lang, context, conf, 'asked');
    }

    const bestGuide = hits.find((h) => h.kind === 'guide');
    const guideConf = bestGuide ? confidenceOf(bestGuide) : 0;

    // Small talk and other agencies' topics win when no guide is the better match, or when the best
    // guide matched at most one specific word of the message ("chào bạn, mình hỏi chút về thủ tục").
    // Within a conversation about a procedure, a weak match is small talk at most, never a referral.
    const other = hits.find((h) => h.kind === 'intent' || (!current && h.kind === 'out_of_scope'));
    const guideEvidence = bestGuide ? this.ranker.matched(bestGuide.key, residual) : 0;
    const weakGuide =
      guideEvidence <= 1 &&
      other !== undefined &&
      other.score >= (bestGuide?.score ?? 0) * this.policy.smallTalkRatio;
    const chosen = top && top.kind !== 'guide' ? top : weakGuide ? other : undefined;
    const chosenConf = chosen ? confidenceOf(chosen) : 0;
    if (chosen && chosenConf >= this.policy.clarify) {
      if (chosen.kind === 'intent')
        return this.smallTalk(chosen.key.slice('intent:'.length) as Intent, lang, context, chosenConf, hits);
      return this.referral(chosen.key.slice('oos:'.length), lang, context, chosenConf, hits);
    }

    // A follow-up in a conversation about a procedure: stay on it or on a neighbour the message points
    // at, unless the message clearly names a procedure outside that neighbourhood.
    if (current) {
      const neighbourhood = new Set([current.id, ...current.related]);
      // Naming another procedure takes at least two specific syllables ("khai sinh", "lý lịch"), and it
      // must clearly beat the current one.
      const currentScore = hits.find((h) => h.key === current.id)?.score ?? 0;
      const switching =
        residual.length >= 2 &&
        bestGuide &&
        !neighbourhood.has(bestGuide.key) &&
        bestGuide.score >= currentScore * this.policy.switchRatio &&
        guideConf >= this.policy.topicSwitch;
      if (!switching) {
        const next = (residual.length >= 2 ? this.refine(current, hits) : undefined) ?? current;
        const moved = next.id !== current.id;
        const chosenFacet = facet ?? (moved ? context.facet : null) ?? 'overview';
        return this.answer(next, chosenFacet, lang, Math.max(guideConf, this.policy.answer), hits);
      }
    }

    if (bestGuide && guideConf >= this.policy.clarify) {
      const guide = this.guides.get(bestGuide.key) as Guide;
      const runnerUp = hits.find((h) => h.kind === 'guide' && h.key !== bestGuide.key);
      const close = runnerUp && runnerUp.score / bestGuide.score >= this.policy.closeRatio;
      if (guideConf >= this.policy.answer && !close) {
        return this.answer(guide, facet ?? 'overview', lang, guideConf, hits);
      }
      return this.clarify(hits, facet, lang, guideConf, context);
    }

    // Nothing close enough.
    const failures = context.failures + 1;
    if (failures >= this.policy.failuresBeforeHandoff)
      return this.handoff(hits, lang, context, conf, 'failed_turns');
    const { fallback } = this.knowledge.outOfScope;
    return this.finish(
      {
        intent: 'out_of_scope',
        decision: 'fallback',
        confidence: conf,
        answer: `${fallback[lang]}\n\n${this.knowledge.replies.fallback_handoff[lang]}`,
        body: fallback[lang],
        choices: [this.composer.handoffChoice(lang)],
      },
      hits,
      lang,
      { ...context, failures, lang },
    );
  }

  private async rank(analysis: Analysis, text: string): Promise<Scored[]> {
    const lexical = this.ranker.rank(analysis.terms, analysis.expanded);
    if (!this.options.dense) return lexical;
    const dense = await this.options.dense.search(text, 10);
    return fuse(lexical, dense, this.policy.denseWeight);
  }

  private features(hits: Scored[], of: Scored, content: string[]): ConfidenceFeatures {
    const runnerUp = hits.find((h) => h.key !== of.key)?.score ?? 0;
    const matched = this.ranker.matched(of.key, content);
    return {
      score: of.score,
      runnerUp: Math.min(runnerUp, of.score),
      coverage: content.length > 0 ? matched / content.length : 0,
      matched,
      dense: of.dense ?? 0,
    };
  }

  /** The best target of a single question and the features of its confidence (for calibration). */
  async explain(text: string): Promise<Explanation> {
    const analysis = this.analyzer.analyze(text);
    const hits = await this.rank(analysis, text);
    const top = hits[0];
    return {
      top: top && { key: top.key, kind: top.kind },
      features: top
        ? this.features(hits, top, analysis.content)
        : { score: 0, runnerUp: 0, coverage: 0, matched: 0, dense: 0 },
    };
  }

  /** Among the current guide and its neighbours, the one this message points at most. */
  private refine(current: Guide, hits: Scored[]): Guide | undefined {
    const scoreOf = (id: string) => hits.find((h) => h.key === id)?.score ?? 0;
    const base = scoreOf(current.id);
    let best: Guide | undefined;
    let bestScore = base * this.policy.refineRatio;
    for (const id of current.related) {
      const s = scoreOf(id);
      if (s > bestScore) {
        best = this.guides.get(id);
        bestScore = s;
      }
    }
    return best;
  }

  private answer(guide: Guide, facet: Facet, lang: Lang, conf: number, hits: Scored[]): EngineReply {
    const composed = this.composer.guideAnswer(guide, facet, lang);
    return this.finish(
      {
        intent: 'procedure',
        decision: 'answer',
        procedure: guide.id,
        facet,
        confidence: conf,
        answer: composed.answer,
        body: composed.body,
        title: composed.title,
        choices: composed.choices,
        online_url: guide.online_url ?? null,
        sources: guide.sources,
        reviewed: guide.reviewed,
      },
      hits,
      lang,
      { procedure: guide.id, facet, failures: 0, lang },
    );
  }

  private clarify(
    hits: Scored[],
    facet: Facet | null,
    lang: Lang,
    conf: number,
    context: ConversationContext,
  ): EngineReply {
    const candidates = hits
      .filter((h) => h.kind === 'guide')
      .slice(0, 3)
      .filter((h, i, all) => i < 2 || h.score / (all[0]?.score ?? 1) >= 0.8)
      .map((h) => this.guides.get(h.key) as Guide);
    const composed = this.composer.clarify(candidates, lang);
    return this.finish(
      {
        intent: 'procedure',
        decision: 'clarify',
        procedure: candidates[0]?.id ?? null,
        facet,
        confidence: conf,
        clarify: true,
        answer: composed.answer,
        body: composed.body,
        choices: composed.choices,
      },
      hits,
      lang,
      // Until the citizen picks, follow-ups go to the likeliest candidate.
      { ...context, procedure: candidates[0]?.id ?? context.procedure, facet: facet ?? context.facet, lang },
    );
  }

  private smallTalk(
    intent: Intent,
    lang: Lang,
    context: ConversationContext,
    conf: number,
    hits: Scored[],
  ): EngineReply {
    if (intent === 'handoff_request') return this.handoff(hits, lang, context, conf, 'asked');
    const text = this.knowledge.intents.find((i) => i.intent === intent)?.reply[lang] ?? '';
    return this.finish(
      { intent, decision: 'small_talk', confidence: conf, answer: text, body: text, choices: [] },
      hits,
      lang,
      { ...context, failures: 0, lang },
    );
  }

  private referral(
    topic: string,
    lang: Lang,
    context: ConversationContext,
    conf: number,
    hits: Scored[],
  ): EngineReply {
    const found = this.knowledge.outOfScope.topics.find((t) => t.id === topic);
    const text = found?.reply[lang] ?? this.knowledge.outOfScope.fallback[lang];
    return this.finish(
      {
        intent: 'out_of_scope',
        decision: 'referral',
        confidence: conf,
        answer: text,
        body: text,
        choices: [this.composer.handoffChoice(lang)],
      },
      hits,
      lang,
      { ...context, failures: 0, lang },
    );
  }

  private handoff(
    hits: Scored[],
    lang: Lang,
    context: ConversationContext,
    conf: number,
    reason: HandoffReason,
  ): EngineReply {
    const text = this.knowledge.replies.handoff[lang];
    const reply = this.finish(
      {
        intent: 'handoff_request',
        decision: 'handoff',
        procedure: context.procedure,
        confidence: conf,
        handoff: true,
        answer: text,
        body: text,
        choices: [],
      },
      hits,
      lang,
      { ...context, failures: 0, lang },
    );
    return { ...reply, handoffReason: reason };
  }

  private finish(
    r: Partial<AnswerRecord> & Pick<AnswerRecord, 'intent' | 'decision'>,
    hits: Scored[],
    lang: Lang,
    next: ConversationContext,
  ): EngineReply {
    const guides = hits.filter((h) => h.kind === 'guide');
    const topScore = guides[0]?.score ?? 1;
    const record: AnswerRecord = {
      intent: r.intent,
      procedure: r.procedure ?? null,
      facet: r.facet ?? null,
      confidence: r.confidence ?? 0,
      clarify: r.clarify ?? false,
      handoff: r.handoff ?? false,
      alternatives: guides
        .filter((h) => h.key !== r.procedure)
        .slice(0, 3)
        .map((h) => ({ procedure: h.key, score: Math.round((h.score / topScore) * 1000) / 1000 })),
      answer: r.answer ?? '',
      decision: r.decision,
      lang,
      choices: r.choices ?? [],
      body: r.body ?? r.answer ?? '',
      title: r.title ?? null,
      online_url: r.online_url ?? null,
      sources: r.sources ?? [],
      reviewed: r.reviewed ?? null,
      knowledge_version: this.version,
      mode: this.mode,
    };
    return { record, context: next };
  }
}

/** Lexical scores scaled to the best one, plus the dense cosine times its weight. */
function fuse(lexical: LexicalHit[], dense: { guideId: string; score: number }[], weight: number): Scored[] {
  const top = lexical[0]?.score ?? 0;
  const scale = top > 0 ? top : 1;
  const byKey = new Map<string, Scored>(lexical.map((h) => [h.key, { ...h }]));
  for (const d of dense) {
    const existing = byKey.get(d.guideId);
    const bonus = weight * Math.max(0, d.score) * scale;
    if (existing) {
      existing.score += bonus;
      existing.dense = d.score;
    } else {
      byKey.set(d.guideId, { key: d.guideId, kind: kindOf(d.guideId), score: bonus, dense: d.score });
    }
  }
  return [...byKey.values()].sort((a, b) => b.score - a.score);
}

function kindOf(key: string): TargetKind {
  if (key.startsWith('intent:')) return 'intent';
  if (key.startsWith('oos:')) return 'out_of_scope';
  return 'guide';
}
