/**
 * The DenseRanker adapter: loads the embedding model, then reuses the passage index saved in `cacheDir` for
 * this `version` and model, or builds it from `passages` and saves it for the next start. `version` should
 * change whenever the passages change (e.g. a hash of the knowledge base), so a stale index is never used.
 * Queries are embedded with the model's query prefix and answered with one hit per guide, best first.
 */
import type { DenseRanker, Passage } from '../engine/ports';
import { loadEmbedder } from './embedder';
import { buildIndex, loadIndex } from './vector-index';

export interface DenseRankerOptions {
  /** Folder holding the embedding model (see src/dense/README.md). */
  modelDir: string;
  /** Every passage to index. */
  passages: readonly Passage[];
  /** Folder for the saved index (created if needed). */
  cacheDir: string;
  /** Identifies the passages' content; a saved index with another version is rebuilt. */
  version: string;
  log: (msg: string) => void;
}

const ms = (since: number): string => `${(performance.now() - since).toFixed(0)} ms`;

/** Load the model and the index (from cache or freshly built), and expose them as a DenseRanker. */
export async function createDenseRanker(options: DenseRankerOptions): Promise<DenseRanker> {
  const { modelDir, passages, cacheDir, version, log } = options;
  let started = performance.now();
  const embedder = await loadEmbedder(modelDir);
  log(`dense: model ${embedder.model} (dim ${embedder.dim}) loaded in ${ms(started)}`);

  started = performance.now();
  const key = { version, model: embedder.model, dim: embedder.dim };
  let index = await loadIndex(cacheDir, key);
  if (index && index.size === passages.length) {
    log(`dense: index of ${index.size} passages loaded from ${cacheDir} in ${ms(started)}`);
  } else {
    index = await buildIndex(embedder, passages, version);
    log(`dense: index of ${index.size} passages built in ${ms(started)}`);
    try {
      await index.saveIndex(cacheDir);
      log(`dense: index saved to ${cacheDir}`);
    } catch (err) {
      // A read-only or full cache folder costs a rebuild at the next start, not this start.
      log(
        `dense: could not save the index to ${cacheDir}: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }

  const ready = index;
  return {
    model: embedder.model,
    search: async (text, k) => ready.search(await embedder.embedQuery(text), k),
  };
}
