"""Write the tokenizer, the held-out evaluation captions, and a training set that never shows a held-out scene.

Usage: python3 make_data.py [--count 60000] [--seed 1]
Outputs: ../tokenizer/*, ../eval/heldout-captions.json (committed), ../data/train-*.npy (git-ignored): images, token
ids, each scene's shapes (kind, size; train.py draws scenes with hard shapes more often), and training-only
supervision (each latent cell's shape kind, each caption token's object; see world.cell_labels and text_targets.py).
"""
from __future__ import annotations

import argparse
import json
import os
import random
from dataclasses import asdict

import numpy as np

import nets
import text_targets
import tokenizer
import world

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
HELDOUT_SEED = 20261128
HELDOUT_COUNTS = {1: 200, 2: 120, 3: 40}  # 360 captions, every attribute stated, no filler words


def heldout_scenes() -> list[world.Scene]:
    rng = random.Random(HELDOUT_SEED)
    scenes: list[world.Scene] = []
    keys: set[str] = set()
    for n, count in HELDOUT_COUNTS.items():
        while sum(1 for s in scenes if len(s.shapes) == n) < count:
            s = world.random_scene(rng, n_shapes=n, drop_attributes=False)
            if s.key() not in keys:
                keys.add(s.key())
                scenes.append(s)
    return scenes


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=60000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()

    tok = tokenizer.write(os.path.join(ROOT, "tokenizer"), tokenizer.grammar_words())
    held = heldout_scenes()
    os.makedirs(os.path.join(ROOT, "eval"), exist_ok=True)
    with open(os.path.join(ROOT, "eval", "heldout-captions.json"), "w") as f:
        json.dump([{"caption": s.caption, "background": s.background, "gradient": s.gradient,
                    "relation": s.relation, "shapes": [asdict(x) for x in s.shapes]} for s in held], f, indent=1)
    held_keys = {s.key() for s in held}
    held_captions = {s.caption for s in held}

    rng = random.Random(args.seed)
    images = np.zeros((args.count, world.SIZE, world.SIZE, 3), dtype=np.uint8)
    ids = np.zeros((args.count, tokenizer.MAX_LENGTH), dtype=np.int16)
    cells = np.zeros((args.count, nets.LATENT_SIZE, nets.LATENT_SIZE), dtype=np.int8)
    shapes = np.full((args.count, world.MAX_SHAPES, 2), -1, dtype=np.int8)  # (kind, size) per shape, for sampling
    targets = {k: np.full((args.count, tokenizer.MAX_LENGTH), text_targets.IGNORE, dtype=np.int8)
               for k in text_targets.HEAD_SIZES}
    targets["xy"] = np.full((args.count, tokenizer.MAX_LENGTH, 2), np.nan, dtype=np.float16)
    words = text_targets.word_table(tok.vocab)
    captions: list[str] = []
    skipped = 0
    i = 0
    while i < args.count:
        s = world.random_scene(rng)
        if s.key() in held_keys or s.caption in held_captions:
            skipped += 1
            continue
        images[i] = np.asarray(world.render(s))
        caption_ids = tok(s.caption)
        ids[i] = caption_ids
        cells[i] = world.cell_labels(s, nets.LATENT_SIZE)
        for j, x in enumerate(s.shapes):
            shapes[i, j] = (world.SHAPES.index(x.shape), list(world.SIZES).index(x.size))
        for k, v in text_targets.token_targets(s, caption_ids, words).items():
            targets[k][i] = v
        captions.append(s.caption)
        i += 1
    data = os.path.join(ROOT, "data")
    os.makedirs(data, exist_ok=True)
    np.save(os.path.join(data, "train-images.npy"), images)
    np.save(os.path.join(data, "train-ids.npy"), ids)
    np.save(os.path.join(data, "train-cells.npy"), cells)
    np.save(os.path.join(data, "train-shapes.npy"), shapes)
    np.savez(os.path.join(data, "train-token-targets.npz"), **targets)
    with open(os.path.join(data, "train-captions.json"), "w") as f:
        json.dump(captions, f)
    print(f"wrote {args.count} training scenes ({skipped} held-out collisions skipped), {len(held)} held-out captions,"
          f" vocabulary {len(tok.vocab)}")


if __name__ == "__main__":
    main()
