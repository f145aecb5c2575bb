/**
 * Ports: what the pure engine needs from the outside, as interfaces. Adapters (src/dense/, the CLI,
 * the bot) implement them; the engine never imports an adapter.
 */

/** A passage the dense ranker indexes: an example question or a facet text of one guide. */
export interface Passage {
  guideId: string;
  text: string;
}

/** One guide's dense similarity to a query, cosine in [-1, 1], best passage per guide. */
export interface DenseHit {
  guideId: string;
  score: number;
}

/** Semantic search over the knowledge's passages (sentence embeddings + an ANN index). */
export interface DenseRanker {
  /** Short name for logs and answer metadata, e.g. "tiny-test-model". */
  readonly model: string;
  search(text: string, k: number): Promise<DenseHit[]>;
}
