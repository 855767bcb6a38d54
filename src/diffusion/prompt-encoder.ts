/**
 * Prompt -> UNet conditioning: CLIP tokenizer(s) + text encoder(s). SD 1.x/2.x use one encoder's last_hidden_state;
 * SDXL concatenates the penultimate hidden states of two encoders and adds the second one's pooled `text_embeds`.
 * Long prompts are encoded window by window and concatenated along the sequence axis (when the UNet accepts a
 * dynamic sequence length; otherwise only the first window is used).
 */
import { CLIP_WINDOW, type ClipTokenizer } from './clip-tokenizer.ts';
import type { OnnxModel } from './onnx-model.ts';

export interface PromptEmbedding {
  /** [seq, dim] for one prompt. */
  hidden: Float32Array;
  seq: number;
  dim: number;
  /** SDXL pooled embedding [pooledDim]. */
  pooled?: Float32Array;
}

export interface TextEncoderPart {
  tokenizer: ClipTokenizer;
  model: OnnxModel;
}

export class PromptEncoder {
  constructor(
    private readonly parts: TextEncoderPart[],
    private readonly isXL: boolean,
    /** Windows the UNet can take (1 when encoder_hidden_states has a fixed 77-token axis). */
    private readonly maxWindows: number,
  ) {}

  /** Encodes the prompt; `windows` pins the window count (so a negative prompt matches the positive one). */
  async encode(prompt: string, windows?: number): Promise<PromptEmbedding> {
    const count = Math.min(this.maxWindows, windows ?? this.windowsFor(prompt));
    const perEncoder: { hidden: Float32Array; dim: number; pooled?: Float32Array }[] = [];
    for (const part of this.parts) {
      const chunks = part.tokenizer.encodeChunks(prompt, count).slice(0, count);
      perEncoder.push(await this.runEncoder(part.model, chunks));
    }
    const seq = count * CLIP_WINDOW;
    const dim = perEncoder.reduce((s, e) => s + e.dim, 0);
    const hidden = new Float32Array(seq * dim);
    // Concatenate along the feature axis (SDXL: 768 + 1280 = 2048); a single encoder is a plain copy.
    let offset = 0;
    for (const e of perEncoder) {
      for (let t = 0; t < seq; t++) hidden.set(e.hidden.subarray(t * e.dim, (t + 1) * e.dim), t * dim + offset);
      offset += e.dim;
    }
    const pooled = perEncoder.find((e) => e.pooled)?.pooled;
    return { hidden, seq, dim, pooled };
  }

  /** Windows the prompt needs, capped by what the UNet accepts. */
  windowsFor(prompt: string): number {
    return Math.min(this.maxWindows, this.parts[0].tokenizer.encodeChunks(prompt).length);
  }

  /** SDXL's negative prompt when none is given: zeros (diffusers force_zeros_for_empty_prompt). */
  zeros(like: PromptEmbedding): PromptEmbedding {
    return {
      hidden: new Float32Array(like.hidden.length),
      seq: like.seq,
      dim: like.dim,
      pooled: like.pooled ? new Float32Array(like.pooled.length) : undefined,
    };
  }

  get forceZerosForEmptyNegative(): boolean {
    return this.isXL;
  }

  private async runEncoder(model: OnnxModel, chunks: number[][]): Promise<{ hidden: Float32Array; dim: number; pooled?: Float32Array }> {
    const hiddenName = this.hiddenOutputName(model);
    const pooledName = model.hasOutput('text_embeds') ? 'text_embeds' : undefined;
    const fixedBatch = model.inputDim('input_ids', 0);
    const groups = fixedBatch === 1 ? chunks.map((c) => [c]) : [chunks];
    const hiddenParts: Float32Array[] = [];
    let dim = 0;
    let pooled: Float32Array | undefined;
    for (const group of groups) {
      const ids = Int32Array.from(group.flat());
      const wanted = pooledName ? [hiddenName, pooledName] : [hiddenName];
      const out = await model.run({ input_ids: { data: ids, dims: [group.length, CLIP_WINDOW] } }, wanted);
      const h = out[hiddenName];
      dim = h.dims[2];
      hiddenParts.push(h.data);
      if (pooledName && !pooled) {
        const p = out[pooledName];
        pooled = p.data.slice(0, p.dims[1]); // the first window's pooled vector, as diffusers (which truncates)
      }
    }
    const hidden = new Float32Array(hiddenParts.reduce((s, p) => s + p.length, 0));
    let at = 0;
    for (const p of hiddenParts) {
      hidden.set(p, at);
      at += p.length;
    }
    return { hidden, dim, pooled };
  }

  /** SDXL conditions on hidden_states[-2] (penultimate layer); SD on the final, layer-normed last_hidden_state. */
  private hiddenOutputName(model: OnnxModel): string {
    if (this.isXL) {
      const layers = model.outputNames.filter((n) => /^hidden_states\.\d+$/.test(n));
      if (layers.length >= 2) return `hidden_states.${layers.length - 2}`;
    }
    if (model.hasOutput('last_hidden_state')) return 'last_hidden_state';
    return model.outputNames[0];
  }
}
