/**
 * All sessions of one model, created once and reused for every request until the provider frees them.
 */
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { ClipTokenizer } from './clip-tokenizer.ts';
import type { ModelFolder } from './model-folder.ts';
import { OnnxModel, type SessionSettings } from './onnx-model.ts';
import { PromptEncoder, type TextEncoderPart } from './prompt-encoder.ts';
import { LatentDecoder, LatentEncoder } from './vae.ts';
import { MAX_PROMPT_CHUNKS, CLIP_WINDOW } from './clip-tokenizer.ts';

export interface LoadedModel {
  folder: ModelFolder;
  prompt: PromptEncoder;
  unet: OnnxModel;
  decoder: LatentDecoder;
  /** True for dedicated inpainting UNets (latents + mask + masked-image latents as input channels). */
  inpaintingUnet: boolean;
  /** TAESD when the model ships one, else the full VAE decoder. */
  previewDecoder: LatentDecoder;
  encoder?: LatentEncoder;
  sessions: OnnxModel[];
}

export async function loadModel(folder: ModelFolder, settings: SessionSettings): Promise<LoadedModel> {
  const sessions: OnnxModel[] = [];
  const open = async (component: string) => {
    const m = await OnnxModel.load(join(folder.dir, component, 'model.onnx'), settings);
    sessions.push(m);
    return m;
  };
  try {
    const parts: TextEncoderPart[] = [
      { tokenizer: await ClipTokenizer.fromFolder(join(folder.dir, 'tokenizer')), model: await open('text_encoder') },
    ];
    if (folder.isXL) {
      const tokDir = existsSync(join(folder.dir, 'tokenizer_2')) ? 'tokenizer_2' : 'tokenizer';
      parts.push({ tokenizer: await ClipTokenizer.fromFolder(join(folder.dir, tokDir)), model: await open('text_encoder_2') });
    }
    const unet = await open('unet');
    // The graph's declared channel count is the truth; config.json may be missing or stale.
    const inChannels = unet.inputDim('sample', 1) ?? folder.unetInChannels;
    const inpaintingUnet = inChannels === 2 * folder.latentChannels + 1;
    if (inChannels !== folder.latentChannels && !inpaintingUnet) {
      throw new Error(`${folder.id}: the UNet takes ${inChannels} input channels; expected ${folder.latentChannels} (or ${2 * folder.latentChannels + 1} for inpainting)`);
    }
    if (inpaintingUnet && !folder.hasVaeEncoder) throw new Error(`${folder.id}: an inpainting UNet needs vae_encoder/model.onnx`);
    const seqDim = unet.inputDim('encoder_hidden_states', 1);
    const maxWindows = seqDim === undefined ? MAX_PROMPT_CHUNKS : Math.max(1, Math.floor(seqDim / CLIP_WINDOW));
    const decoder = new LatentDecoder(await open('vae_decoder'), 1 / folder.scalingFactor, 'signed');
    const previewDecoder = folder.hasTaesd ? new LatentDecoder(await open('taesd_decoder'), 1, 'unit') : decoder;
    const encoder = folder.hasVaeEncoder
      ? new LatentEncoder(await open('vae_encoder'), folder.scalingFactor, folder.latentChannels)
      : undefined;
    return {
      folder,
      prompt: new PromptEncoder(parts, folder.isXL, maxWindows),
      unet,
      inpaintingUnet,
      decoder,
      previewDecoder,
      encoder,
      sessions,
    };
  } catch (err) {
    await Promise.all(sessions.map((s) => s.release()));
    throw err;
  }
}

export async function releaseModel(model: LoadedModel): Promise<void> {
  await Promise.all(model.sessions.map((s) => s.release()));
}
