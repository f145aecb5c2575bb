/**
 * Jest's node environment runs tests in a separate V8 realm; onnxruntime-node checks typed arrays with
 * `instanceof` against the main realm's constructors and rejects the test realm's. Hand the test global
 * the main realm's typed-array constructors so tensors built inside tests are accepted.
 */
const { TestEnvironment } = require('jest-environment-node');

const TYPED = [
  'ArrayBuffer',
  'SharedArrayBuffer',
  'DataView',
  'Float32Array',
  'Float64Array',
  'Int8Array',
  'Int16Array',
  'Int32Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Uint16Array',
  'Uint32Array',
  'BigInt64Array',
  'BigUint64Array',
];

class RealmSafeEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of TYPED) this.global[name] = globalThis[name];
  }
}

module.exports = RealmSafeEnvironment;
