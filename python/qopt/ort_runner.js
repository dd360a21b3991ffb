// Runs an ONNX model with ONNX Runtime (npm onnxruntime-node) for
// python/qopt/ort.py, which starts it with NODE_PATH set to the fetched
// node_modules:
//
//   node ort_runner.js MODEL THREADS [OPTIMIZED_MODEL_PATH]
//
// Protocol on stdin/stdout, one message after another. Each message is a
// JSON line followed by the raw little-endian bytes of the tensors it lists,
// in order:
//   start-up (out):  {"inputs": [names], "outputs": [names]}
//   request  (in):   {"inputs": [{"name", "dtype", "shape"}, ...],
//                     optional "warmup": W, "runs": R} + bytes
//   response (out):  {"outputs": [{"name", "dtype", "shape"}, ...],
//                     with runs: "times_ns": [R durations]} + bytes
//                    or {"error": message}
// With "runs", the session runs W untimed calls then R calls each timed
// alone (process.hrtime around session.run); the outputs are the last
// call's.
// dtypes are numpy's names. The process ends when stdin closes.
'use strict';
const ort = require('onnxruntime-node');

const ARRAYS = {
  float32: Float32Array, float64: Float64Array, int64: BigInt64Array,
  int32: Int32Array, int16: Int16Array, int8: Int8Array, uint8: Uint8Array,
  uint16: Uint16Array, bool: Uint8Array,
};

// Reads lines and exact byte counts from a stream.
class Reader {
  constructor(stream) {
    this.chunks = stream[Symbol.asyncIterator]();
    this.buffer = Buffer.alloc(0);
  }

  async more() {
    const { value, done } = await this.chunks.next();
    if (done) return false;
    this.buffer = Buffer.concat([this.buffer, value]);
    return true;
  }

  // The next line without its newline, or null at the end of the stream.
  async line() {
    let end;
    while ((end = this.buffer.indexOf(10)) < 0) {
      if (!(await this.more())) return null;
    }
    const text = this.buffer.subarray(0, end).toString();
    this.buffer = this.buffer.subarray(end + 1);
    return text;
  }

  // Exactly n bytes, copied into a fresh (aligned) ArrayBuffer.
  async bytes(n) {
    const parts = [];
    let have = 0;
    while (have < n) {
      if (this.buffer.length === 0 && !(await this.more())) {
        throw new Error('stdin closed inside a tensor');
      }
      const part = this.buffer.subarray(0, n - have);
      parts.push(part);
      have += part.length;
      this.buffer = this.buffer.subarray(part.length);
    }
    return new Uint8Array(Buffer.concat(parts, n)).buffer;
  }
}

function send(header, tensors = []) {
  process.stdout.write(JSON.stringify(header) + '\n');
  for (const t of tensors) {
    process.stdout.write(Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength));
  }
}

async function main() {
  const [model, threads, optimized] = process.argv.slice(2);
  const options = {
    intraOpNumThreads: Number(threads),
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    logSeverityLevel: 3,
  };
  if (optimized) options.optimizedModelFilePath = optimized;
  const session = await ort.InferenceSession.create(model, options);
  send({ inputs: session.inputNames, outputs: session.outputNames });

  const reader = new Reader(process.stdin);
  for (let line; (line = await reader.line()) !== null;) {
    const feeds = {};
    const request = JSON.parse(line);
    for (const { name, dtype, shape } of request.inputs) {
      const TypedArray = ARRAYS[dtype];  // ort.py sends only these dtypes
      const count = shape.reduce((a, b) => a * b, 1);
      const bytes = await reader.bytes(count * TypedArray.BYTES_PER_ELEMENT);
      feeds[name] = new ort.Tensor(dtype, new TypedArray(bytes), shape);
    }
    let results;
    const times = [];
    try {
      for (let i = 0; i < (request.warmup || 0); ++i) await session.run(feeds);
      for (let i = 0; i < (request.runs || 1); ++i) {
        const start = process.hrtime.bigint();
        results = await session.run(feeds);
        times.push(Number(process.hrtime.bigint() - start));
      }
    } catch (e) {
      send({ error: String(e.message || e) });
      continue;
    }
    const names = session.outputNames;
    const response = {
      outputs: names.map((name) => ({
        name, dtype: results[name].type, shape: results[name].dims,
      })),
    };
    if (request.runs) response.times_ns = times;
    send(response, names.map((name) => results[name]));
  }
}

main().catch((e) => {
  process.stderr.write(`ort_runner: ${e.stack || e}\n`);
  process.exit(1);
});
