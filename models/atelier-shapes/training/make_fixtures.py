"""Write a few ground-truth renders + their specs for test/models (checks the TypeScript detector port).

  python3 make_fixtures.py
"""
from __future__ import annotations

import json
import os
import random
from dataclasses import asdict

import tokenizer
import world

OUT = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))),
                   "test", "models", "fixtures")


def main() -> None:
    rng = random.Random(7)
    specs = []
    for i, n in enumerate([1, 1, 1, 2, 2, 3]):
        s = world.random_scene(rng, n_shapes=n, drop_attributes=False)
        name = f"shapes-{i}.png"
        world.render(s).save(os.path.join(OUT, name))
        specs.append({"file": name, "caption": s.caption, "background": s.background, "gradient": s.gradient,
                      "relation": s.relation, "shapes": [asdict(x) for x in s.shapes]})
    with open(os.path.join(OUT, "shapes-fixtures.json"), "w") as f:
        json.dump(specs, f, indent=1)
    # token ids from the Python tokenizer the model was trained with, to check the engine's tokenizer against
    tok = tokenizer.ClipTokenizer.load(os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                                    "tokenizer"))
    texts = [s["caption"] for s in specs] + ["A Beautiful RED circle, please!! (hd 4k) on the left", "", "zebra"]
    with open(os.path.join(OUT, "shapes-token-ids.json"), "w") as f:
        json.dump([{"text": t, "ids": tok(t)} for t in texts], f)


if __name__ == "__main__":
    main()
