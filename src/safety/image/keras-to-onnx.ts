/**
 * Converts a TensorFlow.js Keras layers model (the format nsfwjs ships) into an ONNX inference graph, so the same
 * weights run on onnxruntime instead of tfjs's WebAssembly backend.
 *
 * Keras works channels-last (NHWC); ONNX's Conv is channels-first (NCHW). The graph takes the image as tfjs does
 * (uint8 NHWC pixels), scales them to floats exactly like nsfwjs (`toFloat().div(255)`), transposes to NCHW
 * once, and transposes back before Flatten so Dense layers see features in Keras's order. Kernels are re-laid out
 * accordingly. Only the layer types and options handled below are accepted; anything else throws, so a future model
 * with new layers fails loudly at conversion instead of scoring wrongly.
 */
import { AttrType, OnnxType, encodeOnnxModel, type OnnxAttribute, type OnnxModel, type OnnxNode, type OnnxTensor } from './onnx-proto.ts';
import type { KerasGraph, KerasLayer, WeightTensor } from './tfjs-weights.ts';

/** Opset 13 (IR version 7): every op used here has its current semantics there, and onnxruntime 1.x runs it. */
const OPSET = 13;
const IR_VERSION = 7;
export const ONNX_INPUT_NAME = 'pixels';
export const ONNX_OUTPUT_NAME = 'probabilities';

/** A value in the graph: its ONNX name and shape (NCHW for images, [N, features] after Flatten). */
interface Value {
  name: string;
  shape: number[];
}

/** A ZeroPadding2D output not yet materialised: a following 'valid' convolution folds it into its own pads. */
interface PendingPad {
  source: Value;
  /** [top, left, bottom, right] */
  pads: [number, number, number, number];
}

const BATCH = -1; // symbolic batch dimension

function ints(name: string, values: number[]): OnnxAttribute {
  return { name, type: AttrType.INTS, ints: values };
}
function int(name: string, value: number): OnnxAttribute {
  return { name, type: AttrType.INT, i: value };
}
function float(name: string, value: number): OnnxAttribute {
  return { name, type: AttrType.FLOAT, f: value };
}

function pair(v: unknown, what: string): [number, number] {
  if (Array.isArray(v) && v.length === 2 && v.every((x) => Number.isInteger(x))) return [v[0] as number, v[1] as number];
  throw new Error(`${what}: expected two integers, got ${JSON.stringify(v)}`);
}

class GraphBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxTensor[] = [];
  private readonly values = new Map<string, Value | PendingPad>();
  private readonly materialised = new Map<string, Value>();
  private counter = 0;

  constructor(private readonly weights: Map<string, WeightTensor>) {}

  set(kerasName: string, v: Value | PendingPad): void {
    this.values.set(kerasName, v);
  }

  /** The value a Keras layer produced; a pending pad becomes an explicit Pad node unless `foldPad` takes it. */
  get(kerasName: string): Value {
    const v = this.values.get(kerasName);
    if (!v) throw new Error(`layer input ${kerasName} is not produced by any earlier layer`);
    if (!('pads' in v)) return v;
    const done = this.materialised.get(kerasName);
    if (done) return done;
    const [t, l, b, r] = v.pads;
    const pads = this.constant(`${kerasName}/pads`, [8], [0, 0, t, l, 0, 0, b, r], OnnxType.INT64);
    const [n, c, h, w] = v.source.shape;
    const out = this.node('Pad', [v.source.name, pads], [], [n, c, h + t + b, w + l + r], kerasName);
    this.materialised.set(kerasName, out);
    return out;
  }

  pending(kerasName: string): PendingPad | null {
    const v = this.values.get(kerasName);
    return v && 'pads' in v ? v : null;
  }

  weight(name: string): WeightTensor {
    const w = this.weights.get(name);
    if (!w) throw new Error(`weight ${name} is missing from the weight manifest`);
    return w;
  }

  optionalWeight(name: string): WeightTensor | null {
    return this.weights.get(name) ?? null;
  }

  constant(name: string, dims: number[], values: ArrayLike<number>, type: number = OnnxType.FLOAT): string {
    const data = type === OnnxType.INT64 ? BigInt64Array.from(Array.from(values, (v) => BigInt(v))) : Float32Array.from(values);
    this.initializers.push({ name, dims, data_type: type, raw_data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) });
    return name;
  }

  node(opType: string, inputs: string[], attribute: OnnxAttribute[], shape: number[], hint: string): Value {
    const name = `${hint}/${opType}_${this.counter++}`;
    this.nodes.push({ name, op_type: opType, input: inputs, output: [name], attribute });
    return { name, shape };
  }
}

/** Keras activations that appear as a layer option, as ONNX ops after the layer. */
function activate(g: GraphBuilder, x: Value, activation: unknown, hint: string): Value {
  switch (activation ?? 'linear') {
    case 'linear':
      return x;
    case 'relu':
      return g.node('Relu', [x.name], [], x.shape, hint);
    case 'relu6':
      return g.node('Clip', [x.name, g.constant(`${hint}/min`, [], [0]), g.constant(`${hint}/max`, [], [6])], [], x.shape, hint);
    case 'sigmoid':
      return g.node('Sigmoid', [x.name], [], x.shape, hint);
    case 'softmax':
      if (x.shape.length !== 2) throw new Error(`${hint}: softmax is supported on [batch, features] only`);
      return g.node('Softmax', [x.name], [int('axis', -1)], x.shape, hint);
    default:
      throw new Error(`${hint}: unsupported activation ${JSON.stringify(activation)}`);
  }
}

/** TF's padding rule for one spatial axis: 'same' pads so out = ceil(in / stride), the odd pixel at the end. */
function axisPads(size: number, kernel: number, stride: number, dilation: number, padding: unknown): [number, number, number] {
  const k = (kernel - 1) * dilation + 1;
  if (padding === 'valid') return [0, 0, Math.floor((size - k) / stride) + 1];
  if (padding !== 'same') throw new Error(`unsupported padding ${JSON.stringify(padding)}`);
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + k - size, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2), out];
}

function convolution(g: GraphBuilder, layer: KerasLayer, inputName: string, depthwise: boolean): Value {
  const c = layer.config;
  if ((c.data_format ?? 'channels_last') !== 'channels_last') throw new Error(`${layer.name}: only channels_last is supported`);
  const [kh, kw] = pair(c.kernel_size, `${layer.name}.kernel_size`);
  const [sh, sw] = pair(c.strides, `${layer.name}.strides`);
  const [dh, dw] = pair(c.dilation_rate ?? [1, 1], `${layer.name}.dilation_rate`);
  // A preceding ZeroPadding2D folds into this convolution when the convolution itself adds no padding.
  const pending = c.padding === 'valid' ? g.pending(inputName) : null;
  const x = pending ? pending.source : g.get(inputName);
  const extra = pending ? pending.pads : [0, 0, 0, 0];
  const [n, cin, h0, w0] = x.shape;
  const h = h0 + extra[0] + extra[2];
  const w = w0 + extra[1] + extra[3];
  const [top, bottom, outH] = axisPads(h, kh, sh, dh, c.padding);
  const [left, right, outW] = axisPads(w, kw, sw, dw, c.padding);

  let weight: Float32Array;
  let cout: number;
  if (depthwise) {
    const k = g.weight(`${layer.name}/depthwise_kernel`); // [kh, kw, cin, multiplier]
    const mult = k.shape[3];
    if (k.shape[2] !== cin) throw new Error(`${layer.name}: kernel expects ${k.shape[2]} channels, input has ${cin}`);
    cout = cin * mult;
    // ONNX grouped conv: [cin * mult, 1, kh, kw]; TF orders the outputs channel-major (c * mult + m).
    weight = new Float32Array(cout * kh * kw);
    for (let y = 0; y < kh; y++)
      for (let xx = 0; xx < kw; xx++)
        for (let ch = 0; ch < cin; ch++)
          for (let m = 0; m < mult; m++) weight[((ch * mult + m) * kh + y) * kw + xx] = k.values[((y * kw + xx) * cin + ch) * mult + m];
  } else {
    const k = g.weight(`${layer.name}/kernel`); // [kh, kw, cin, cout]
    if (k.shape[2] !== cin) throw new Error(`${layer.name}: kernel expects ${k.shape[2]} channels, input has ${cin}`);
    cout = k.shape[3];
    weight = new Float32Array(cout * cin * kh * kw); // [cout, cin, kh, kw]
    for (let y = 0; y < kh; y++)
      for (let xx = 0; xx < kw; xx++)
        for (let i = 0; i < cin; i++)
          for (let o = 0; o < cout; o++) weight[((o * cin + i) * kh + y) * kw + xx] = k.values[((y * kw + xx) * cin + i) * cout + o];
  }
  const inputs = [x.name, g.constant(`${layer.name}/W`, depthwise ? [cout, 1, kh, kw] : [cout, cin, kh, kw], weight)];
  if (c.use_bias) inputs.push(g.constant(`${layer.name}/B`, [cout], g.weight(`${layer.name}/bias`).values));
  const attrs = [
    ints('kernel_shape', [kh, kw]),
    ints('strides', [sh, sw]),
    ints('dilations', [dh, dw]),
    ints('pads', [top + extra[0], left + extra[1], bottom + extra[2], right + extra[3]]),
    int('group', depthwise ? cin : 1),
  ];
  const y = g.node('Conv', inputs, attrs, [n, cout, outH, outW], layer.name);
  return activate(g, y, c.activation, layer.name);
}

function batchNorm(g: GraphBuilder, layer: KerasLayer, x: Value): Value {
  const c = layer.config;
  const axis = c.axis;
  if (!(axis === -1 || axis === 3 || (Array.isArray(axis) && axis.length === 1 && (axis[0] === -1 || axis[0] === 3)))) {
    throw new Error(`${layer.name}: only channel-axis batch normalisation is supported`);
  }
  const channels = x.shape[1];
  const ones = new Float32Array(channels).fill(1);
  const zeros = new Float32Array(channels);
  const scale = c.scale === false ? ones : g.weight(`${layer.name}/gamma`).values;
  const bias = c.center === false ? zeros : g.weight(`${layer.name}/beta`).values;
  const inputs = [
    x.name,
    g.constant(`${layer.name}/scale`, [channels], scale),
    g.constant(`${layer.name}/bias`, [channels], bias),
    g.constant(`${layer.name}/mean`, [channels], g.weight(`${layer.name}/moving_mean`).values),
    g.constant(`${layer.name}/var`, [channels], g.weight(`${layer.name}/moving_variance`).values),
  ];
  return g.node('BatchNormalization', inputs, [float('epsilon', Number(c.epsilon ?? 1e-3))], x.shape, layer.name);
}

function relu(g: GraphBuilder, layer: KerasLayer, x: Value): Value {
  const c = layer.config;
  if ((c.negative_slope ?? 0) !== 0 || (c.threshold ?? 0) !== 0) throw new Error(`${layer.name}: leaky/thresholded ReLU is not supported`);
  if (c.max_value === null || c.max_value === undefined) return g.node('Relu', [x.name], [], x.shape, layer.name);
  const max = Number(c.max_value);
  const inputs = [x.name, g.constant(`${layer.name}/min`, [], [0]), g.constant(`${layer.name}/max`, [], [max])];
  return g.node('Clip', inputs, [], x.shape, layer.name);
}

function averagePool(g: GraphBuilder, layer: KerasLayer, x: Value): Value {
  const c = layer.config;
  if (c.padding !== 'valid') throw new Error(`${layer.name}: only 'valid' average pooling is supported`);
  const [ph, pw] = pair(c.pool_size, `${layer.name}.pool_size`);
  const [sh, sw] = pair(c.strides ?? c.pool_size, `${layer.name}.strides`);
  const [n, ch, h, w] = x.shape;
  const shape = [n, ch, Math.floor((h - ph) / sh) + 1, Math.floor((w - pw) / sw) + 1];
  return g.node('AveragePool', [x.name], [ints('kernel_shape', [ph, pw]), ints('strides', [sh, sw])], shape, layer.name);
}

/** Keras flattens channels-last, so features go back to NHWC order first. */
function flatten(g: GraphBuilder, layer: KerasLayer, x: Value): Value {
  if (x.shape.length !== 4) throw new Error(`${layer.name}: Flatten expects an image tensor`);
  const [n, ch, h, w] = x.shape;
  const nhwc = g.node('Transpose', [x.name], [ints('perm', [0, 2, 3, 1])], [n, h, w, ch], layer.name);
  return g.node('Flatten', [nhwc.name], [int('axis', 1)], [n, h * w * ch], layer.name);
}

function dense(g: GraphBuilder, layer: KerasLayer, x: Value): Value {
  if (x.shape.length !== 2) throw new Error(`${layer.name}: Dense expects [batch, features]`);
  const k = g.weight(`${layer.name}/kernel`); // [in, out], the layout Gemm's B wants
  if (k.shape[0] !== x.shape[1]) throw new Error(`${layer.name}: kernel expects ${k.shape[0]} features, input has ${x.shape[1]}`);
  const units = k.shape[1];
  const inputs = [x.name, g.constant(`${layer.name}/W`, k.shape, k.values)];
  if (layer.config.use_bias !== false) inputs.push(g.constant(`${layer.name}/B`, [units], g.weight(`${layer.name}/bias`).values));
  const y = g.node('Gemm', inputs, [], [x.shape[0], units], layer.name);
  return activate(g, y, layer.config.activation, layer.name);
}

function inboundNames(layer: KerasLayer): string[] {
  if (layer.inbound_nodes.length !== 1) throw new Error(`${layer.name}: shared layers (called ${layer.inbound_nodes.length} times) are not supported`);
  return layer.inbound_nodes[0].map(([name, , tensorIndex]) => {
    if (tensorIndex !== 0) throw new Error(`${layer.name}: multi-output inbound layers are not supported`);
    return name;
  });
}

export interface ConvertOptions {
  /** Recorded in the model's metadata: where the weights came from. */
  source: string;
  /** The graph takes uint8 pixels and divides them by this first (nsfwjs: 255, giving [0, 1]). */
  pixelScale: number;
}

/**
 * Builds the ONNX model from a Keras functional graph (see kerasGraph()) and the decoded weights of the same
 * model.json. Returns .onnx file bytes.
 */
export function kerasToOnnx(config: KerasGraph, weights: Map<string, WeightTensor>, opts: ConvertOptions): Uint8Array {
  if (config.input_layers.length !== 1 || config.output_layers.length !== 1) throw new Error('only single-input, single-output models are supported');
  const g = new GraphBuilder(weights);
  const inputLayer = config.layers.find((l) => l.name === config.input_layers[0][0]);
  const inputShape = inputLayer?.config.batch_input_shape;
  if (!Array.isArray(inputShape) || inputShape.length !== 4 || inputShape.slice(1).some((d) => !Number.isInteger(d))) {
    throw new Error('the input layer must be a fixed-size image [batch, height, width, channels]');
  }
  const [, height, width, channels] = inputShape as number[];

  for (const layer of config.layers) {
    if (layer.class_name === 'InputLayer') {
      // uint8 NHWC in; scaled floats, NCHW out (nsfwjs: toFloat().div(255), so Div, not a rounded reciprocal).
      const asFloat = g.node('Cast', [ONNX_INPUT_NAME], [int('to', OnnxType.FLOAT)], [BATCH, height, width, channels], 'input');
      const scaled = g.node('Div', [asFloat.name, g.constant('input/scale', [], [opts.pixelScale])], [], asFloat.shape, 'input');
      g.set(layer.name, g.node('Transpose', [scaled.name], [ints('perm', [0, 3, 1, 2])], [BATCH, channels, height, width], 'input'));
      continue;
    }
    const inbound = inboundNames(layer);
    const one = () => {
      if (inbound.length !== 1) throw new Error(`${layer.name}: expected one input, got ${inbound.length}`);
      return inbound[0];
    };
    switch (layer.class_name) {
      case 'ZeroPadding2D': {
        const p = layer.config.padding;
        const [[t, b], [l, r]] = Array.isArray(p) && Array.isArray(p[0]) ? (p as [[number, number], [number, number]]) : [pair(p, layer.name), pair(p, layer.name)];
        g.set(layer.name, { source: g.get(one()), pads: [t, l, b, r] });
        break;
      }
      case 'Conv2D':
        g.set(layer.name, convolution(g, layer, one(), false));
        break;
      case 'DepthwiseConv2D':
        g.set(layer.name, convolution(g, layer, one(), true));
        break;
      case 'BatchNormalization':
        g.set(layer.name, batchNorm(g, layer, g.get(one())));
        break;
      case 'ReLU':
        g.set(layer.name, relu(g, layer, g.get(one())));
        break;
      case 'Activation':
        g.set(layer.name, activate(g, g.get(one()), layer.config.activation, layer.name));
        break;
      case 'Add': {
        const [first, ...rest] = inbound.map((name) => g.get(name));
        g.set(layer.name, rest.reduce((sum, v) => g.node('Add', [sum.name, v.name], [], sum.shape, layer.name), first));
        break;
      }
      case 'AveragePooling2D':
        g.set(layer.name, averagePool(g, layer, g.get(one())));
        break;
      case 'GlobalAveragePooling2D': {
        const x = g.get(one());
        const pooled = g.node('GlobalAveragePool', [x.name], [], [x.shape[0], x.shape[1], 1, 1], layer.name);
        g.set(layer.name, g.node('Flatten', [pooled.name], [int('axis', 1)], [x.shape[0], x.shape[1]], layer.name));
        break;
      }
      case 'Flatten':
        g.set(layer.name, flatten(g, layer, g.get(one())));
        break;
      case 'Dense':
        g.set(layer.name, dense(g, layer, g.get(one())));
        break;
      case 'Dropout':
        g.set(layer.name, g.get(one())); // inference: identity
        break;
      default:
        throw new Error(`${layer.name}: unsupported layer type ${layer.class_name}`);
    }
  }

  const last = g.get(config.output_layers[0][0]);
  g.nodes.push({ name: 'output', op_type: 'Identity', input: [last.name], output: [ONNX_OUTPUT_NAME], attribute: [] });
  const dim = (d: number) => (d === BATCH ? { dim_param: 'batch' } : { dim_value: d });
  const onnx: OnnxModel = {
    ir_version: IR_VERSION,
    producer_name: 'atelier keras-to-onnx',
    producer_version: '1',
    doc_string: `Converted from ${opts.source}`,
    opset_import: [{ domain: '', version: OPSET }],
    metadata_props: [{ key: 'source', value: opts.source }],
    graph: {
      name: 'nsfw',
      node: g.nodes,
      initializer: g.initializers,
      input: [{ name: ONNX_INPUT_NAME, type: { tensor_type: { elem_type: OnnxType.UINT8, shape: { dim: [BATCH, height, width, channels].map(dim) } } } }],
      output: [{ name: ONNX_OUTPUT_NAME, type: { tensor_type: { elem_type: OnnxType.FLOAT, shape: { dim: last.shape.map(dim) } } } }],
    },
  };
  return encodeOnnxModel(onnx);
}
