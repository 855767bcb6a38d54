/**
 * Reads a TensorFlow.js layers model the way tfjs itself does: the Keras topology from model.json and the weight
 * values from the binary shard, dequantised with tfjs's own rule (value = q * scale + min).
 */

/** One entry of model.json's weightsManifest. */
export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { min?: number; scale?: number; dtype: string };
}

/** A Keras layer as tfjs's converter writes it into model.json. */
export interface KerasLayer {
  name: string;
  class_name: string;
  config: Record<string, unknown>;
  /** [[["inbound_layer", nodeIndex, tensorIndex, kwargs], ...]]: one list per call of the layer. */
  inbound_nodes: Array<Array<[string, number, number, unknown]>>;
}

/** A functional Keras model's config: its layers in order, and which layers are its inputs and outputs. */
export interface KerasGraph {
  layers: KerasLayer[];
  input_layers: Array<[string, number, number]>;
  output_layers: Array<[string, number, number]>;
}

interface KerasModelConfig {
  class_name: string;
  config: KerasGraph;
}

export interface LayersModelJson {
  /** Keras-converted files wrap the model in `model_config`; models saved by tfjs itself do not. */
  modelTopology: { model_config: KerasModelConfig } | KerasModelConfig;
  weightsManifest: Array<{ paths: string[]; weights: WeightSpec[] }>;
}

/** The functional graph inside a model.json topology, whichever tool wrote it. */
export function kerasGraph(topology: LayersModelJson['modelTopology']): KerasGraph {
  const model = 'model_config' in topology ? topology.model_config : topology;
  if (model.class_name !== 'Model' && model.class_name !== 'Functional') {
    throw new Error(`only functional Keras models are supported, not ${model.class_name}`);
  }
  return model.config;
}

export interface WeightTensor {
  shape: number[];
  values: Float32Array;
}

const elementCount = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/**
 * Splits the concatenated weight bytes into named float tensors. Supports float32 weights, plain or quantised to
 * uint8/uint16 (what tfjs-converter's --quantize_uint8/uint16 writes); anything else is refused, not guessed at.
 */
export function decodeWeights(specs: readonly WeightSpec[], data: Uint8Array): Map<string, WeightTensor> {
  const out = new Map<string, WeightTensor>();
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let offset = 0;
  for (const spec of specs) {
    if (spec.dtype !== 'float32') throw new Error(`weight ${spec.name}: unsupported dtype ${spec.dtype}`);
    const n = elementCount(spec.shape);
    const values = new Float32Array(n);
    const q = spec.quantization;
    const bytesPer = q ? { uint8: 1, uint16: 2 }[q.dtype] : 4;
    if (bytesPer === undefined) throw new Error(`weight ${spec.name}: unsupported quantization ${q?.dtype}`);
    if (offset + n * bytesPer > data.byteLength) throw new Error(`weight ${spec.name}: weight data too short`);
    if (!q) {
      for (let i = 0; i < n; i++) values[i] = view.getFloat32(offset + 4 * i, true);
    } else {
      const scale = q.scale ?? 1;
      const min = q.min ?? 0;
      for (let i = 0; i < n; i++) {
        const v = bytesPer === 1 ? data[offset + i] : view.getUint16(offset + 2 * i, true);
        values[i] = v * scale + min;
      }
    }
    offset += n * bytesPer;
    out.set(spec.name, { shape: [...spec.shape], values });
  }
  if (offset !== data.byteLength) throw new Error(`weight data has ${data.byteLength - offset} unexplained trailing bytes`);
  return out;
}
