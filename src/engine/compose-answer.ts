/**
 * Writes what the citizen reads: the facet asked first, short and plain, then how to do it online,
 * the source and review date, and next-step choices. Markdown is light (bold, links) so every
 * channel can render or strip it. English questions get the guide's English summary.
 */
import type { Facet, Guide, Knowledge } from '../knowledge/schema';
import type { Lang } from './text/language';
import type { Choice } from './types';

const NEXT_STEPS: Facet[] = ['documents', 'fee', 'processing_time', 'authority', 'online_steps'];

export interface ComposedAnswer {
  answer: string;
  body: string;
  title: string;
  choices: Choice[];
}

export class AnswerComposer {
  private readonly labels: Map<Facet, { vi: string; en: string }>;

  constructor(private readonly knowledge: Knowledge) {
    this.labels = new Map(knowledge.facets.facets.map((f) => [f.facet, f.label]));
  }

  facetLabel(facet: Facet, lang: Lang): string {
    return this.labels.get(facet)?.[lang] ?? facet;
  }

  guideAnswer(guide: Guide, facet: Facet, lang: Lang): ComposedAnswer {
    const { replies } = this.knowledge;
    const title = lang === 'en' ? guide.en.title : guide.title;
    const body = this.body(guide, facet, lang);
    const lines = [`**${title}** · ${this.facetLabel(facet, lang)}`, '', body];
    if (facet !== 'online_steps') {
      const online = lang === 'en' ? guide.en.online_steps : guide.facets.online_steps;
      const first = online ? firstSentence(online) : undefined;
      if (first) lines.push('', `**${replies.online_prefix[lang]}:** ${first}`);
    }
    const source = guide.sources[0];
    // The procedure page is usually the cited national database page: link it once.
    if (guide.online_url && guide.online_url !== source?.url) {
      lines.push(`${replies.procedure_page[lang]}: ${guide.online_url}`);
    }
    if (source) {
      const cited = source.url ? `[${source.title}](${source.url})` : source.title;
      lines.push(
        '',
        `_${replies.source_prefix[lang]}: ${cited} · ${replies.reviewed_prefix[lang]} ${formatDate(guide.reviewed, lang)}_`,
      );
    }
    return { answer: lines.join('\n'), body, title, choices: this.nextSteps(facet, lang) };
  }

  /** The facet's text in the question's language; English falls back to the overview plus the Vietnamese details. */
  private body(guide: Guide, facet: Facet, lang: Lang): string {
    const vi = guide.facets[facet] ?? guide.facets.overview ?? '';
    if (lang === 'vi') return vi;
    const en = guide.en[facet];
    if (en) return en;
    return `${guide.en.overview}\n\n${this.knowledge.replies.details_in_vietnamese.en}:\n${vi}`;
  }

  nextSteps(current: Facet | null, lang: Lang): Choice[] {
    const steps = NEXT_STEPS.filter((f) => f !== current).map((f) => {
      const label = this.facetLabel(f, lang);
      return { label, value: label };
    });
    return [...steps, this.handoffChoice(lang)];
  }

  handoffChoice(lang: Lang): Choice {
    const label = this.knowledge.replies.handoff_choice[lang];
    return { label, value: label };
  }

  clarify(guides: Guide[], lang: Lang): ComposedAnswer {
    const choices = guides.map((g) => {
      const label = lang === 'en' ? g.en.title : g.title;
      return { label, value: g.title };
    });
    const body = [
      this.knowledge.replies.clarify[lang],
      ...choices.map((c, i) => `${i + 1}. ${c.label}`),
    ].join('\n');
    return { answer: body, body, title: '', choices: [...choices, this.handoffChoice(lang)] };
  }
}

export function firstSentence(text: string): string {
  const line =
    text
      .split('\n')
      .map((l) => l.replace(/^\s*(?:[-*]|\d+[.)])\s*/, '').trim())
      .find((l) => l.length > 0) ?? '';
  const end = line.search(/[.!?](\s|$)/);
  return end >= 0 ? line.slice(0, end + 1) : line;
}

function formatDate(iso: string, lang: Lang): string {
  const [y, m, d] = iso.split('-');
  return lang === 'vi' ? `${d}/${m}/${y}` : iso;
}
