/**
 * Builds the engine from configuration: loads and validates the knowledge (refused files are logged
 * with file, line, field and reason), and adds the dense ranker when EMBEDDING_MODEL_DIR is set,
 * falling back to lexical mode with one log line when there is no model or it cannot be loaded.
 */
import path from 'node:path';
import type { Config } from '../config';
import { createDenseRanker } from '../dense/dense-ranker';
import { Engine, type EngineOptions } from '../engine/engine';
import { formatProblem, loadKnowledge } from '../knowledge/load-knowledge';
import type { Knowledge } from '../knowledge/schema';
import type { Logger } from '../log';

export async function buildEngine(
  config: Pick<Config, 'KNOWLEDGE_DIR' | 'EMBEDDING_MODEL_DIR' | 'DATA_DIR'>,
  log: Logger,
  options: Omit<EngineOptions, 'dense'> = {},
): Promise<Engine> {
  const { knowledge, problems } = await loadKnowledge(config.KNOWLEDGE_DIR);
  for (const p of problems) log.warn(`knowledge problem: ${formatProblem(p)}`, { problem: p });
  log.info('knowledge loaded', {
    version: knowledge.version,
    guides: knowledge.guides.length,
    refused: problems.length,
  });
  return engineFor(knowledge, config, log, options);
}

export async function engineFor(
  knowledge: Knowledge,
  config: Pick<Config, 'EMBEDDING_MODEL_DIR' | 'DATA_DIR'>,
  log: Logger,
  options: Omit<EngineOptions, 'dense'> = {},
): Promise<Engine> {
  const lexical = new Engine(knowledge, options);
  if (!config.EMBEDDING_MODEL_DIR) {
    log.info('lexical mode: EMBEDDING_MODEL_DIR is not set, answering with the lexical ranker only');
    return lexical;
  }
  try {
    const dense = await createDenseRanker({
      modelDir: config.EMBEDDING_MODEL_DIR,
      passages: lexical.passages(),
      cacheDir: path.join(config.DATA_DIR, 'index'),
      version: knowledge.version,
      log: (msg: string) => log.info(msg),
    });
    log.info('hybrid mode: lexical and dense rankers', { model: dense.model });
    return new Engine(knowledge, { ...options, dense });
  } catch (err) {
    log.warn('lexical mode: the embedding model could not be loaded', {
      dir: config.EMBEDDING_MODEL_DIR,
      error: String(err),
    });
    return lexical;
  }
}
