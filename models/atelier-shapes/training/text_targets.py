"""Per-token supervision for the text encoder, derived from the scene a caption describes (training only).

Learning through the diffusion loss alone, a small text encoder binds words to the wrong object for a long time ("a
red star on a blue background" drawn blue on red). So while the UNet trains, a linear head also reads, from every
word of a noun phrase, the whole object it names (colour, kind, size, where it is), and from every colour word
whether it colours a shape or the background. Each object's description then sits in its own tokens, and the UNet's
cross-attention only has to find the token whose position matches its own.
"""
from __future__ import annotations

import numpy as np

import world

IGNORE = -1
HEAD_SIZES = {"colour": len(world.COLOURS), "kind": len(world.SHAPES), "size": len(world.SIZES), "role": 2}
HEAD_WIDTH = sum(HEAD_SIZES.values()) + 2  # + x, y
COLOUR_OF = {w: c for c, words in world.BG_WORDS.items() for w in words}
KIND_OF = {w: k for k, words in world.SHAPE_WORDS.items() for w in words}
SIZE_WORDS = {w for words in world.SIZE_WORDS.values() for w in words}


def word_table(vocab: dict[str, int]) -> dict[int, str]:
    """Token id -> grammar word (grammar words are single tokens, spelled 'word</w>' as in CLIP)."""
    return {i: t[: -len("</w>")] for t, i in vocab.items() if t.endswith("</w>")}


def token_targets(scene: world.Scene, ids: list[int], words: dict[int, str]) -> dict[str, np.ndarray]:
    n = len(ids)
    out = {key: np.full(n, IGNORE, dtype=np.int8) for key in HEAD_SIZES}
    out["xy"] = np.full((n, 2), np.nan, dtype=np.float16)
    by_colour = {s.colour: s for s in scene.shapes}
    owner: list[world.Shape | None] = [None] * n
    tokens = [words.get(i) for i in ids]
    for i, w in enumerate(tokens):  # colour words name their shape (colours are distinct within a scene)
        if w in COLOUR_OF:
            c = COLOUR_OF[w]
            if c in by_colour:
                owner[i] = by_colour[c]
                out["role"][i] = 0
            elif c == scene.background:
                out["role"][i] = 1
    for i, w in enumerate(tokens):
        if w in KIND_OF:  # "[size] colour noun", maybe with an unknown word in between
            near = [owner[j] for j in range(max(0, i - 3), i) if owner[j] is not None]
            same_kind = [s for s in scene.shapes if s.shape == KIND_OF[w]]
            if near and near[-1].shape == KIND_OF[w]:
                owner[i] = near[-1]
            elif len(same_kind) == 1:
                owner[i] = same_kind[0]
        elif w in SIZE_WORDS:
            ahead = [owner[j] for j in range(i + 1, min(n, i + 3)) if owner[j] is not None]
            owner[i] = ahead[0] if ahead else None
    shapes_say_where = len(scene.shapes) > 1 or scene.stated.get("position", True)
    for i, s in enumerate(owner):
        if s is None:
            continue
        out["colour"][i] = list(world.COLOURS).index(s.colour)
        out["kind"][i] = world.SHAPES.index(s.shape)
        if scene.stated.get("size", True):
            out["size"][i] = list(world.SIZES).index(s.size)
        if shapes_say_where:
            out["xy"][i] = (s.x / world.SIZE - 0.5, s.y / world.SIZE - 0.5)
    return out
