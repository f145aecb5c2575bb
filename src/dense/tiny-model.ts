/**
 * Writes the tiny deterministic test model to a folder in the layout @xenova/transformers loads from
 * disk: config.json (model_type bert), tokenizer.json (WordPiece; NFC + lower-case, diacritics kept),
 * tokenizer_config.json, trolytuphap.json (model name, no prefixes) and onnx/model.onnx. Used by tests, the
 * benchmark and development machines that have no real multilingual model; never for production answers.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildTinyOnnx } from './tiny-onnx';
import { buildVocabulary, SPECIAL_TOKENS } from './tiny-vocab';

export const TINY_MODEL_NAME = 'tiny-test-model';
export const TINY_HIDDEN_SIZE = 32;
const MAX_LENGTH = 512;

function specialToken(id: number, content: string): Record<string, unknown> {
  return { id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true };
}

/** A Hugging Face `tokenizers` JSON document for a BERT-style WordPiece tokenizer. */
function tokenizerJson(vocab: Map<string, number>): Record<string, unknown> {
  const id = (token: string): number => vocab.get(token) ?? 0;
  const special = (token: string) => ({ id: token, ids: [id(token)], tokens: [token] });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIAL_TOKENS.map((t) => specialToken(id(t), t)),
    normalizer: {
      type: 'Sequence',
      normalizers: [
        { type: 'NFC' },
        {
          type: 'BertNormalizer',
          clean_text: true,
          handle_chinese_chars: true,
          strip_accents: false,
          lowercase: true,
        },
      ],
    },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
      ],
      pair: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } },
        { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: { '[CLS]': special('[CLS]'), '[SEP]': special('[SEP]') },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab: Object.fromEntries(vocab),
    },
  };
}

function tokenizerConfig(): Record<string, unknown> {
  return {
    tokenizer_class: 'BertTokenizer',
    do_lower_case: true,
    strip_accents: false,
    tokenize_chinese_chars: true,
    model_max_length: MAX_LENGTH,
    pad_token: '[PAD]',
    unk_token: '[UNK]',
    cls_token: '[CLS]',
    sep_token: '[SEP]',
    mask_token: '[MASK]',
  };
}

function modelConfig(vocabSize: number): Record<string, unknown> {
  return {
    _name_or_path: TINY_MODEL_NAME,
    architectures: ['BertModel'],
    model_type: 'bert',
    hidden_size: TINY_HIDDEN_SIZE,
    vocab_size: vocabSize,
    type_vocab_size: 2,
    num_hidden_layers: 0,
    num_attention_heads: 1,
    intermediate_size: TINY_HIDDEN_SIZE,
    max_position_embeddings: MAX_LENGTH,
    layer_norm_eps: 1e-12,
    pad_token_id: 0,
  };
}

const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

/** Write the tiny model into `outDir` (created if needed; existing files are overwritten). */
export async function writeTinyModel(outDir: string): Promise<void> {
  const vocab = buildVocabulary();
  await mkdir(join(outDir, 'onnx'), { recursive: true });
  await Promise.all([
    writeFile(join(outDir, 'config.json'), json(modelConfig(vocab.size))),
    writeFile(join(outDir, 'tokenizer.json'), json(tokenizerJson(vocab))),
    writeFile(join(outDir, 'tokenizer_config.json'), json(tokenizerConfig())),
    writeFile(
      join(outDir, 'trolytuphap.json'),
      json({ name: TINY_MODEL_NAME, queryPrefix: '', passagePrefix: '' }),
    ),
    writeFile(join(outDir, 'onnx', 'model.onnx'), buildTinyOnnx(vocab, TINY_HIDDEN_SIZE)),
  ]);
}
