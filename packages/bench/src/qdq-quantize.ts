// Static int8 quantization of a float ONNX model into QDQ form (QuantizeLinear / DequantizeLinear
// around every Conv), the form onnxruntime fuses into QLinearConv at load. Weights: int8,
// symmetric, per output channel. Activations: uint8, per tensor, from the min / max seen on the
// calibration inputs. A Relu that alone follows a Conv is folded into the Q after the Conv
// (uint8 with zero point 0 clamps at 0: the same function). Convs whose output feeds a
// Transpose / Reshape / graph output (detector heads, the embedding) keep a float output.
//
// Only for the lever benchmark (levers.ts): it answers "is int8 faster in onnxruntime-web's
// WASM build?". It is not a production quantizer (no percentile calibration, no bias handling
// beyond what onnxruntime's QDQ transformer does itself).
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
type Model = onnxProto.onnx.ModelProto;
type Node = onnxProto.onnx.INodeProto;
const DT = onnx.TensorProto.DataType;

export type CalibrationRunner = (model: Uint8Array, outputs: string[]) => Promise<Map<string, Float32Array>[]>;

function floatsOf(t: onnxProto.onnx.ITensorProto): Float32Array {
  if (t.rawData?.length) return new Float32Array(Uint8Array.prototype.slice.call(t.rawData).buffer);
  return Float32Array.from(t.floatData ?? []);
}

function initializer(name: string, dataType: number, dims: number[], data: ArrayBufferView): onnxProto.onnx.TensorProto {
  return onnx.TensorProto.create({ name, dataType, dims, rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) });
}

/** Opset 13 (per-axis DequantizeLinear); Unsqueeze's `axes` moves from attribute to input there. */
function toOpset13(m: Model): void {
  for (const o of m.opsetImport) if (!o.domain) o.version = 13;
  if (Number(m.irVersion) < 7) m.irVersion = 7;
  const g = m.graph!;
  for (const n of g.node!) {
    if (n.opType !== 'Unsqueeze') continue;
    const axes = n.attribute!.find((a) => a.name === 'axes');
    if (!axes) continue;
    n.attribute = n.attribute!.filter((a) => a !== axes);
    const name = `${n.name ?? n.output![0]}_axes`;
    g.initializer!.push(onnx.TensorProto.create({ name, dataType: DT.INT64, dims: [axes.ints!.length], int64Data: axes.ints! }));
    n.input!.push(name);
  }
}

export async function quantizeQdq(modelBytes: Uint8Array, calibrate: CalibrationRunner): Promise<Uint8Array> {
  const m = onnx.ModelProto.decode(modelBytes);
  toOpset13(m);
  const g = m.graph!;
  const nodes = g.node! as Node[];
  const inits = new Map(g.initializer!.map((t) => [t.name!, t]));
  const producer = new Map<string, Node>();
  const consumers = new Map<string, Node[]>();
  for (const n of nodes) {
    for (const o of n.output!) producer.set(o, n);
    for (const i of n.input!) consumers.set(i, [...(consumers.get(i) ?? []), n]);
  }
  const graphOutputs = new Set(g.output!.map((o) => o.name!));

  // Tensors to quantize: every activation a Conv reads, and every Conv output (or its lone Relu's).
  const quantized = new Map<string, { relu: boolean }>();
  const folded = new Set<Node>();
  for (const n of nodes) {
    if (n.opType !== 'Conv') continue;
    const x = n.input![0]!;
    if (!inits.has(x) && !quantized.has(x)) quantized.set(x, { relu: false });
    const out = n.output![0]!;
    const next = consumers.get(out) ?? [];
    if (graphOutputs.has(out) || next.some((c) => c.opType === 'Transpose' || c.opType === 'Reshape')) continue;
    if (next.length === 1 && next[0]!.opType === 'Relu') {
      quantized.set(next[0]!.output![0]!, { relu: true });
      folded.add(next[0]!);
    } else if (!quantized.has(out)) quantized.set(out, { relu: false });
  }

  // Ranges from the float model, with the quantized tensors as extra outputs.
  const probe = onnx.ModelProto.decode(onnx.ModelProto.encode(m).finish());
  const inputName = g.input![0]!.name!;
  const extra = [...quantized.keys()].filter((t) => t !== inputName && !graphOutputs.has(t));
  for (const t of extra) probe.graph!.output!.push(onnx.ValueInfoProto.create({ name: t, type: { tensorType: { elemType: DT.FLOAT } } }));
  const ranges = new Map<string, [number, number]>();
  for (const outputs of await calibrate(onnx.ModelProto.encode(probe).finish(), extra)) {
    for (const [name, data] of outputs) {
      let lo = 0, hi = 0;
      for (const v of data) { if (v < lo) lo = v; if (v > hi) hi = v; }
      const r = ranges.get(name) ?? [0, 0];
      ranges.set(name, [Math.min(r[0], lo), Math.max(r[1], hi)]);
    }
  }

  for (const relu of folded) producer.get(relu.input![0]!)!.output![0] = relu.output![0]!;
  const kept = nodes.filter((n) => !folded.has(n));
  const after = new Map<string, Node[]>();
  const renamed = new Map<string, string>();
  for (const [t, { relu }] of quantized) {
    const r = ranges.get(t);
    if (!r) throw new Error(`no calibration range for ${t}`);
    const lo = relu ? 0 : r[0];
    const scale = Math.max((r[1] - lo) / 255, 1e-8);
    const zero = Math.min(255, Math.max(0, Math.round(-lo / scale)));
    g.initializer!.push(initializer(`${t}_s`, DT.FLOAT, [], Float32Array.of(scale)), initializer(`${t}_z`, DT.UINT8, [], Uint8Array.of(zero)));
    after.set(t, [
      onnx.NodeProto.create({ opType: 'QuantizeLinear', name: `${t}_Q`, input: [t, `${t}_s`, `${t}_z`], output: [`${t}_q`] }),
      onnx.NodeProto.create({ opType: 'DequantizeLinear', name: `${t}_DQ`, input: [`${t}_q`, `${t}_s`, `${t}_z`], output: [`${t}_dq`] }),
    ]);
    renamed.set(t, `${t}_dq`);
  }
  for (const n of kept) n.input = n.input!.map((i) => renamed.get(i) ?? i);

  const weightNodes: Node[] = [];
  for (const n of kept) {
    if (n.opType !== 'Conv') continue;
    const wName = n.input![1]!;
    const w = inits.get(wName)!;
    const f = floatsOf(w);
    const channels = Number(w.dims![0]);
    const per = f.length / channels;
    const q = new Int8Array(f.length);
    const scales = new Float32Array(channels);
    for (let c = 0; c < channels; c++) {
      let max = 0;
      for (let i = 0; i < per; i++) max = Math.max(max, Math.abs(f[c * per + i]!));
      const s = (scales[c] = Math.max(max / 127, 1e-12));
      for (let i = 0; i < per; i++) q[c * per + i] = Math.round(f[c * per + i]! / s);
    }
    const dims = w.dims!.map(Number);
    g.initializer!.push(initializer(`${wName}_wq`, DT.INT8, dims, q), initializer(`${wName}_ws`, DT.FLOAT, [channels], scales), initializer(`${wName}_wz`, DT.INT8, [channels], new Int8Array(channels)));
    weightNodes.push(onnx.NodeProto.create({
      opType: 'DequantizeLinear', name: `${wName}_WDQ`, input: [`${wName}_wq`, `${wName}_ws`, `${wName}_wz`], output: [`${wName}_wdq`],
      attribute: [onnx.AttributeProto.create({ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 0 })],
    }));
    n.input![1] = `${wName}_wdq`;
  }

  // Topological order: weight DQs first, then each Q/DQ pair right after its producer.
  const ordered: Node[] = [...weightNodes, ...(after.get(inputName) ?? [])];
  for (const n of kept) {
    ordered.push(n);
    for (const o of n.output!) ordered.push(...(after.get(o) ?? []));
  }
  g.node = ordered;
  const used = new Set(ordered.flatMap((n) => n.input!));
  g.initializer = g.initializer!.filter((t) => used.has(t.name!));
  return onnx.ModelProto.encode(m).finish();
}
