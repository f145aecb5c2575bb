/**
 * The approximate-nearest-neighbour index over passage embeddings: an hnswlib-node HierarchicalNSW in
 * cosine space whose labels are passage positions, plus the passage → guideId table. Search returns one hit
 * per guide (its best passage's cosine similarity, 1 - distance), best first. `saveIndex` writes the hnsw file and
 * a small JSON (labels, model, dim, version); `loadIndex` returns null when the files are missing, unreadable,
 * inconsistent or were written for another version, model or dimension, so the caller rebuilds.
 */
import hnswlib from 'hnswlib-node';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DenseHit, Passage } from '../engine/ports';
import type { Embedder } from './embedder';

const INDEX_FILE = 'dense-index.hnsw';
const META_FILE = 'dense-index.json';
const FORMAT = 1;
const M = 16;
const EF_CONSTRUCTION = 200;
const EF_SEARCH = 100;
const RANDOM_SEED = 100;

/** What identifies a saved index: the caller's version string and the embedding model. */
export interface IndexKey {
  version: string;
  model: string;
  dim: number;
}

interface IndexMeta extends IndexKey {
  format: number;
  /** guideId of each label (label = position in this array). */
  labels: string[];
}

/** A searchable index; `key` tells which model and version built it. */
export class VectorIndex {
  constructor(
    readonly key: IndexKey,
    private readonly hnsw: hnswlib.HierarchicalNSW,
    private readonly labels: string[],
  ) {}

  get size(): number {
    return this.labels.length;
  }

  /** The `k` best guides for `vector`, each scored by its best passage's cosine similarity. */
  search(vector: Float32Array, k: number): DenseHit[] {
    const count = this.labels.length;
    if (k <= 0 || count === 0) return [];
    const query = Array.from(vector);
    let wanted = Math.min(count, k * 4);
    for (;;) {
      this.hnsw.setEf(Math.max(EF_SEARCH, wanted));
      const { neighbors, distances } = this.hnsw.searchKnn(query, wanted);
      const best = new Map<string, number>();
      neighbors.forEach((label, i) => {
        const guideId = this.labels[label];
        const score = 1 - (distances[i] ?? 1);
        if (guideId !== undefined && score > (best.get(guideId) ?? -Infinity)) best.set(guideId, score);
      });
      if (best.size >= k || wanted >= count) {
        return [...best]
          .map(([guideId, score]) => ({ guideId, score }))
          .sort((a, b) => b.score - a.score || a.guideId.localeCompare(b.guideId))
          .slice(0, k);
      }
      wanted = Math.min(count, wanted * 4);
    }
  }

  /** Write the index into `dir` (created if needed). The JSON is renamed into place last: it marks completion. */
  async saveIndex(dir: string): Promise<void> {
    await mkdir(dir, { recursive: true });
    const meta: IndexMeta = { format: FORMAT, ...this.key, labels: this.labels };
    const tmpIndex = join(dir, `${INDEX_FILE}.${process.pid}.tmp`);
    const tmpMeta = join(dir, `${META_FILE}.${process.pid}.tmp`);
    await this.hnsw.writeIndex(tmpIndex);
    await writeFile(tmpMeta, JSON.stringify(meta));
    await rename(tmpIndex, join(dir, INDEX_FILE));
    await rename(tmpMeta, join(dir, META_FILE));
  }
}

function newHnsw(dim: number, capacity: number): hnswlib.HierarchicalNSW {
  const hnsw = new hnswlib.HierarchicalNSW('cosine', dim);
  hnsw.initIndex({
    maxElements: Math.max(1, capacity),
    m: M,
    efConstruction: EF_CONSTRUCTION,
    randomSeed: RANDOM_SEED,
  });
  return hnsw;
}

/** Embed `passages` (with the passage prefix) and index them. */
export async function buildIndex(
  embedder: Embedder,
  passages: readonly Passage[],
  version: string,
): Promise<VectorIndex> {
  const vectors = await embedder.embedPassages(passages.map((p) => p.text));
  const hnsw = newHnsw(embedder.dim, passages.length);
  vectors.forEach((vector, label) => hnsw.addPoint(Array.from(vector), label));
  const labels = passages.map((p) => p.guideId);
  return new VectorIndex({ version, model: embedder.model, dim: embedder.dim }, hnsw, labels);
}

function isMeta(value: unknown): value is IndexMeta {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as Record<string, unknown>;
  return (
    m.format === FORMAT &&
    typeof m.version === 'string' &&
    typeof m.model === 'string' &&
    typeof m.dim === 'number' &&
    Array.isArray(m.labels) &&
    m.labels.every((l) => typeof l === 'string')
  );
}

/** The index saved in `dir` if it matches `expected` exactly, else null (missing, stale or damaged). */
export async function loadIndex(dir: string, expected: IndexKey): Promise<VectorIndex | null> {
  let meta: unknown;
  try {
    meta = JSON.parse(await readFile(join(dir, META_FILE), 'utf8'));
  } catch {
    return null;
  }
  if (!isMeta(meta)) return null;
  if (meta.version !== expected.version || meta.model !== expected.model || meta.dim !== expected.dim)
    return null;
  const hnsw = new hnswlib.HierarchicalNSW('cosine', meta.dim);
  try {
    await hnsw.readIndex(join(dir, INDEX_FILE));
  } catch {
    return null;
  }
  if (hnsw.getCurrentCount() !== meta.labels.length || hnsw.getNumDimensions() !== meta.dim) return null;
  return new VectorIndex({ version: meta.version, model: meta.model, dim: meta.dim }, hnsw, meta.labels);
}
