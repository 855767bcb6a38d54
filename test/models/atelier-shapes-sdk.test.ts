/**
 * What a new user sees: `atelier serve` on a fresh home (no config, no downloads, nothing but the repo) and one
 * official-SDK call with `model: "gpt-image-1"` return a PNG that shows what the prompt asks for. The PNG is
 * scaled back to the model's 64x64 and read with the evaluation's detector. Fixed seeds keep it deterministic;
 * each prompt checks colour, place and background, which by chance would all be right about 1 time in 500.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import OpenAI from 'openai';
import sharp from 'sharp';
import { analyse, loadTemplates, region } from '../../models/atelier-shapes/eval/detector.ts';
import { spawnServe } from '../helpers/spawn-serve.ts';

const home = mkdtempSync(join(tmpdir(), 'atelier-sdk-'));
let child: ChildProcess;
let client: OpenAI;

before(async () => {
  const env = { ...process.env, ATELIER_HOME: home, HF_HUB_CACHE: join(home, 'hf'), HF_HUB_OFFLINE: '1' };
  const started = await spawnServe(env);
  child = started.child;
  client = new OpenAI({ apiKey: 'sk-local', baseURL: `${started.url}/v1`, maxRetries: 0, timeout: 120_000 });
});

after(async () => {
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
  rmSync(home, { recursive: true, force: true });
});

const CASES = [
  { prompt: 'a large red circle on the left on a white background', seed: 11, colour: 'red', place: 'left', bg: 'white' },
  { prompt: 'a big blue square at the top on a yellow background', seed: 12, colour: 'blue', place: 'top', bg: 'yellow' },
];

test('gpt-image-1 through the official SDK draws the prompt with the built-in model', async () => {
  const templates = loadTemplates();
  let right = 0;
  for (const c of CASES) {
    const res = await client.images.generate({
      model: 'gpt-image-1', prompt: c.prompt, size: '1024x1024', quality: 'medium', seed: c.seed,
    } as OpenAI.ImageGenerateParamsNonStreaming);
    const b64 = res.data?.[0]?.b64_json;
    assert.ok(b64, 'gpt-image-1 answers with b64_json');
    const png = Buffer.from(b64, 'base64');
    const meta = await sharp(png).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height], ['png', 1024, 1024]);
    const { data, info } = await sharp(png).removeAlpha().resize(64, 64, { kernel: 'cubic' }).raw()
      .toBuffer({ resolveWithObject: true });
    const found = analyse({ width: info.width, height: info.height, channels: 3, data }, templates);
    const shape = found.objects.find((o) => o.colour === c.colour);
    const ok = found.background === c.bg && shape !== undefined && region(shape.x, shape.y) === c.place;
    if (ok) right++;
    else console.log(`not drawn as asked: "${c.prompt}" ->`, JSON.stringify(found));
  }
  assert.equal(right, CASES.length, `${right}/${CASES.length} prompts drawn as asked`);
});
