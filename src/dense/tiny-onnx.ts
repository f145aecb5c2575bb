/**
 * Builds the tiny test model's ONNX graph with onnx-proto: word + token-type embeddings → layer
 * normalisation → dense → tanh, masked by attention_mask, output last_hidden_state [batch, seq, hidden].
 * There are no position embeddings or attention layers, so it is a deterministic bag-of-tokens encoder:
 * good enough to test loading, pooling, indexing and search, useless for real semantics. Weights come from
 * seeded generators keyed by each token's text; a token without diacritics gets a vector close to its
 * accented forms ("benh" ≈ "bệnh"), so plain-ASCII questions land near their accented passages.
 */
import { onnx } from 'onnx-proto';
import { gaussian, hashSeed, mulberry32 } from './seeded-random';
import { stripDiacritics } from '../engine/text/vietnamese';

const SEED = 20240917;
const OPSET = 17; // LayerNormalization is an ONNX operator from opset 17.
const ACCENT_NOISE = 0.35;

const FLOAT = onnx.TensorProto.DataType.FLOAT;
const INT64 = onnx.TensorProto.DataType.INT64;

/** Float32 values as a little-endian raw tensor. */
function floatTensor(name: string, dims: number[], values: Float32Array): onnx.ITensorProto {
  const raw = new Uint8Array(values.length * 4);
  const view = new DataView(raw.buffer);
  values.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return { name, dims, dataType: FLOAT, rawData: raw };
}

function gaussianVector(seed: number, length: number, scale: number): Float32Array {
  const rand = mulberry32(seed);
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = gaussian(rand) * scale;
  return out;
}

/** One row per token: the vector of its diacritic-free form plus a little noise for its own spelling. */
function wordEmbeddings(vocab: Map<string, number>, hidden: number): Float32Array {
  const table = new Float32Array(vocab.size * hidden);
  for (const [token, id] of vocab) {
    const plain = stripDiacritics(token);
    const row = gaussianVector(hashSeed(plain, SEED), hidden, 1);
    if (plain !== token) {
      const noise = gaussianVector(hashSeed(token, SEED + 1), hidden, ACCENT_NOISE);
      row.forEach((v, i) => (row[i] = v + (noise[i] ?? 0)));
    }
    table.set(row, id * hidden);
  }
  return table;
}

/** A graph input/output; string dimensions are symbolic (batch, sequence), numbers are fixed. */
function valueInfo(name: string, elemType: number, dims: (string | number)[]): onnx.IValueInfoProto {
  const dim = dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
  return { name, type: { tensorType: { elemType, shape: { dim } } } };
}

function node(
  opType: string,
  input: string[],
  output: string[],
  attribute: onnx.IAttributeProto[] = [],
): onnx.INodeProto {
  return { opType, input, output, name: output[0] ?? opType, attribute };
}

/** The serialised ONNX model (protobuf bytes) for `vocab` and `hidden` dimensions. */
export function buildTinyOnnx(vocab: Map<string, number>, hidden: number): Uint8Array {
  const AttrType = onnx.AttributeProto.AttributeType;
  const initializer = [
    floatTensor('word_embeddings', [vocab.size, hidden], wordEmbeddings(vocab, hidden)),
    floatTensor('token_type_embeddings', [2, hidden], gaussianVector(SEED + 2, 2 * hidden, 0.1)),
    floatTensor('ln_gamma', [hidden], new Float32Array(hidden).fill(1)),
    floatTensor('ln_beta', [hidden], new Float32Array(hidden)),
    floatTensor(
      'dense_weight',
      [hidden, hidden],
      gaussianVector(SEED + 3, hidden * hidden, 1 / Math.sqrt(hidden)),
    ),
    floatTensor('dense_bias', [hidden], gaussianVector(SEED + 4, hidden, 0.02)),
    { name: 'unsqueeze_axes', dims: [1], dataType: INT64, int64Data: [-1] },
  ];
  const nodes = [
    node('Gather', ['word_embeddings', 'input_ids'], ['word_emb']),
    node('Gather', ['token_type_embeddings', 'token_type_ids'], ['type_emb']),
    node('Add', ['word_emb', 'type_emb'], ['embeddings']),
    node(
      'LayerNormalization',
      ['embeddings', 'ln_gamma', 'ln_beta'],
      ['normed'],
      [
        { name: 'axis', type: AttrType.INT, i: -1 },
        { name: 'epsilon', type: AttrType.FLOAT, f: 1e-12 },
      ],
    ),
    node('MatMul', ['normed', 'dense_weight'], ['projected']),
    node('Add', ['projected', 'dense_bias'], ['biased']),
    node('Tanh', ['biased'], ['activated']),
    node('Cast', ['attention_mask'], ['mask_float'], [{ name: 'to', type: AttrType.INT, i: FLOAT }]),
    node('Unsqueeze', ['mask_float', 'unsqueeze_axes'], ['mask_3d']),
    node('Mul', ['activated', 'mask_3d'], ['last_hidden_state']),
  ];
  const graph: onnx.IGraphProto = {
    name: 'trolytuphap_tiny_encoder',
    node: nodes,
    initializer,
    input: ['input_ids', 'attention_mask', 'token_type_ids'].map((n) =>
      valueInfo(n, INT64, ['batch', 'sequence']),
    ),
    output: [valueInfo('last_hidden_state', FLOAT, ['batch', 'sequence', hidden])],
  };
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'trolytuphap-tiny-model',
    producerVersion: '1',
    opsetImport: [{ domain: '', version: OPSET }],
    graph,
  });
  return onnx.ModelProto.encode(model).finish();
}
