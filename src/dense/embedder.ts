/**
 * Sentence embeddings from a local model folder with @xenova/transformers (ESM-only, so it is loaded with a
 * real dynamic import). Remote models and the library's file cache are switched off, so nothing is ever
 * downloaded; the library's global `env` is set per load and loads are serialised so two folders cannot
 * race. Texts become mean-pooled, L2-normalised Float32Arrays; `embedQuery`/`embedPassages` add the
 * folder's configured prefixes (e5 models want "query: " / "passage: "), `embed` adds none.
 */
import { basename, dirname } from 'node:path';
import { inspectModelFolder } from './model-folder';

/** A loaded sentence-embedding model. */
export interface Embedder {
  /** Display name for logs, answer metadata and index cache keys. */
  readonly model: string;
  /** Vector length. */
  readonly dim: number;
  /** Embed texts as given (no prefix). Unit-length vectors, one per text, same order. */
  embed(texts: string[]): Promise<Float32Array[]>;
  /** Embed a search query (with the folder's query prefix). */
  embedQuery(text: string): Promise<Float32Array>;
  /** Embed indexable passages (with the folder's passage prefix). */
  embedPassages(texts: string[]): Promise<Float32Array[]>;
  /** Release the ONNX session. */
  dispose(): Promise<void>;
}

/** The part of the feature-extraction pipeline this adapter uses. */
interface FeatureExtractor {
  (
    texts: string[],
    options: { pooling: 'mean'; normalize: boolean },
  ): Promise<{ data: ArrayLike<number>; dims: number[] }>;
  dispose(): Promise<void>;
}

const BATCH_SIZE = 32;
let loadChain: Promise<unknown> = Promise.resolve();

/** Run `task` after every earlier load finished: transformers' `env` is process-global. */
function serialised<T>(task: () => Promise<T>): Promise<T> {
  const run = loadChain.then(task, task);
  loadChain = run.catch(() => undefined);
  return run;
}

async function loadExtractor(dir: string, quantized: boolean): Promise<FeatureExtractor> {
  const { env, pipeline } = await import('@xenova/transformers');
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.useFSCache = false; // its cache is looked up before localModelPath and could shadow the folder
  env.useBrowserCache = false;
  env.localModelPath = dirname(dir);
  const extractor = await pipeline('feature-extraction', basename(dir), {
    quantized,
    local_files_only: true,
  });
  // The library's pipeline type is a wide union; the feature-extraction pipeline matches FeatureExtractor.
  return extractor as unknown as FeatureExtractor;
}

function splitRows(data: ArrayLike<number>, rows: number, dim: number): Float32Array[] {
  const out: Float32Array[] = [];
  for (let r = 0; r < rows; r++)
    out.push(Float32Array.from({ length: dim }, (_, i) => data[r * dim + i] ?? 0));
  return out;
}

/** Load the model in `modelDir`; rejects with an Error naming the folder and file if it is unusable. */
export async function loadEmbedder(modelDir: string): Promise<Embedder> {
  const folder = await inspectModelFolder(modelDir);
  let extractor: FeatureExtractor;
  try {
    extractor = await serialised(() => loadExtractor(folder.dir, folder.quantized));
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(`Cannot load embedding model from "${folder.dir}": ${reason}`);
  }

  const embed = async (texts: string[]): Promise<Float32Array[]> => {
    const out: Float32Array[] = [];
    for (let start = 0; start < texts.length; start += BATCH_SIZE) {
      const batch = texts.slice(start, start + BATCH_SIZE);
      const tensor = await extractor(batch, { pooling: 'mean', normalize: true });
      const width = tensor.dims[tensor.dims.length - 1] ?? 0;
      out.push(...splitRows(tensor.data, batch.length, width));
    }
    return out;
  };
  const probe = await embed(['dim probe']);
  const dim = probe[0]?.length ?? 0;
  if (dim === 0) throw new Error(`Embedding model in "${folder.dir}" produced an empty vector`);

  return {
    model: folder.name,
    dim,
    embed,
    embedQuery: async (text) => {
      const [vector] = await embed([folder.queryPrefix + text]);
      if (!vector) throw new Error('embedding returned no vector');
      return vector;
    },
    embedPassages: (texts) => embed(texts.map((t) => folder.passagePrefix + t)),
    dispose: () => extractor.dispose(),
  };
}
