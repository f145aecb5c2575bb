/**
 * Inspects an embedding-model folder before anything is loaded: checks that it exists and holds the files
 * @xenova/transformers needs (config.json, tokenizer.json, tokenizer_config.json, onnx/model.onnx or
 * onnx/model_quantized.onnx), picks the ONNX variant, and reads the optional trolytuphap.json (display name,
 * query/passage prefixes such as e5's "query: " / "passage: "). Problems become Errors that name the
 * folder and the missing or broken file, so an operator knows what to copy where.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';

/** What the embedder needs to know about a model folder. */
export interface ModelFolder {
  /** Absolute folder path. */
  dir: string;
  /** Display name: trolytuphap.json "name", else config.json "_name_or_path", else the folder name. */
  name: string;
  /** true when only onnx/model_quantized.onnx is present. */
  quantized: boolean;
  queryPrefix: string;
  passagePrefix: string;
}

export const SETTINGS_FILE = 'trolytuphap.json';
const REQUIRED_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json'];
const HELP = 'see src/dense/README.md for how to install a model';

async function isFile(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isFile(),
    () => false,
  );
}

async function readJsonObject(dir: string, file: string): Promise<Record<string, unknown>> {
  const path = join(dir, file);
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(`Embedding model folder "${dir}": cannot read ${file} (${reason})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`Embedding model folder "${dir}": ${file} must contain a JSON object`);
  }
  return parsed as Record<string, unknown>;
}

function optionalString(
  obj: Record<string, unknown>,
  key: string,
  dir: string,
  file: string,
): string | undefined {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string')
    throw new Error(`Embedding model folder "${dir}": ${file} field "${key}" must be a string`);
  return value;
}

/** Check `modelDir` and describe it; throws a clear Error if it cannot be used. */
export async function inspectModelFolder(modelDir: string): Promise<ModelFolder> {
  const dir = resolve(modelDir);
  const dirStat = await stat(dir).catch(() => undefined);
  if (!dirStat?.isDirectory()) throw new Error(`Embedding model folder "${dir}" does not exist (${HELP})`);
  for (const file of REQUIRED_FILES) {
    if (!(await isFile(join(dir, file))))
      throw new Error(`Embedding model folder "${dir}" is missing ${file} (${HELP})`);
  }
  const hasFull = await isFile(join(dir, 'onnx', 'model.onnx'));
  if (!hasFull && !(await isFile(join(dir, 'onnx', 'model_quantized.onnx')))) {
    throw new Error(
      `Embedding model folder "${dir}" is missing onnx/model.onnx (or onnx/model_quantized.onnx) (${HELP})`,
    );
  }
  const config = await readJsonObject(dir, 'config.json');
  const settings = (await isFile(join(dir, SETTINGS_FILE))) ? await readJsonObject(dir, SETTINGS_FILE) : {};
  const name =
    optionalString(settings, 'name', dir, SETTINGS_FILE) ||
    optionalString(config, '_name_or_path', dir, 'config.json') ||
    basename(dir);
  return {
    dir,
    name,
    quantized: !hasFull,
    queryPrefix: optionalString(settings, 'queryPrefix', dir, SETTINGS_FILE) ?? '',
    passagePrefix: optionalString(settings, 'passagePrefix', dir, SETTINGS_FILE) ?? '',
  };
}
