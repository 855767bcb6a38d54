"""The shapes world: scene specs, a caption grammar with paraphrases, and a renderer.

A scene is one to three flat shapes on a plain or vertically graded background. Everything a caption states is
checkable by a program (see detector.py), which is what makes the model's output testable for meaning.
"""
from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from PIL import Image, ImageDraw

SIZE = 64  # native resolution of the model
SUPERSAMPLE = 4  # draw large and downsample so edges are anti-aliased like real images

# Foreground colours: saturated and far apart so a nearest-colour detector is unambiguous.
COLOURS: dict[str, tuple[int, int, int]] = {
    "red": (220, 30, 30),
    "orange": (255, 140, 0),
    "yellow": (255, 225, 0),
    "green": (30, 170, 50),
    "blue": (30, 70, 230),
    "purple": (140, 40, 200),
    "pink": (255, 105, 180),
    "cyan": (0, 200, 220),
    "white": (245, 245, 245),
    "black": (20, 20, 20),
}
# Backgrounds may also be gray; a gradient runs from the named colour (top) to a darker shade of it (bottom).
BACKGROUNDS: dict[str, tuple[int, int, int]] = {**COLOURS, "gray": (128, 128, 128)}
GRADIENT_DARKEN = 0.45

SHAPES = ["circle", "square", "triangle", "star", "ring", "diamond"]
SIZES = {"small": 8.0, "large": 13.0}  # nominal radius in pixels at 64x64
MAX_SHAPES = 3  # per scene (random_scene draws 1 to 3)
POSITIONS = {
    "left": (16, 32),
    "right": (48, 32),
    "top": (32, 16),
    "bottom": (32, 48),
    "centre": (32, 32),
}
JITTER = 3  # pixels of random offset so the model learns regions, not exact points

# Paraphrases. Every word here ends up in the tokenizer vocabulary; anything else is spelled out in characters.
COLOUR_WORDS = {c: [c] for c in COLOURS}
COLOUR_WORDS["purple"] = ["purple", "violet"]
BG_WORDS = {**COLOUR_WORDS, "gray": ["gray", "grey"]}
SHAPE_WORDS = {
    "circle": ["circle", "disc", "dot"],
    "square": ["square", "box"],
    "triangle": ["triangle"],
    "star": ["star"],
    "ring": ["ring", "donut"],
    "diamond": ["diamond", "rhombus"],
}
SIZE_WORDS = {"small": ["small", "little", "tiny"], "large": ["large", "big", "huge"]}
POSITION_PHRASES = {
    "left": ["on the left", "at the left", "on the left side", "to the left"],
    "right": ["on the right", "at the right", "on the right side", "to the right"],
    "top": ["at the top", "on the top", "in the upper part", "near the top"],
    "bottom": ["at the bottom", "on the bottom", "in the lower part", "near the bottom"],
    "centre": ["in the centre", "in the center", "in the middle", "centered"],
}
RELATION_PHRASES = {
    "above": ["above", "on top of", "over"],
    "below": ["below", "under", "beneath"],
    "left_of": ["to the left of", "left of"],
    "right_of": ["to the right of", "right of"],
}
# Words the grammar never uses, inserted now and then so the model learns to ignore what it does not know.
FILLERS = ["beautiful", "simple", "photo", "please", "nice", "image", "minimal", "clean", "flat", "vector", "art",
           "style", "hd", "drawing", "cute", "bright", "render", "icon", "very", "shiny", "picture", "lovely"]


@dataclass
class Shape:
    shape: str
    colour: str
    size: str
    x: float
    y: float
    position: str | None = None  # named region for single-shape scenes


@dataclass
class Scene:
    background: str
    gradient: bool
    shapes: list[Shape] = field(default_factory=list)
    relation: str | None = None  # above / below / left_of / right_of / row / column
    caption: str = ""
    # which attributes the caption states (unstated ones are random in the image and not checked)
    stated: dict[str, bool] = field(default_factory=dict)

    def key(self) -> str:
        """Identity of the scene's content, used to hold evaluation scenes out of the training data."""
        parts = [self.background, str(self.gradient), str(self.relation)]
        parts += [f"{s.shape}/{s.colour}/{s.size}/{s.position}" for s in self.shapes]
        return "|".join(parts)


def colour_distance(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    return math.sqrt(sum((x - y) ** 2 for x, y in zip(a, b)))


def background_ends(name: str, gradient: bool) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
    top = BACKGROUNDS[name]
    if not gradient:
        return top, top
    bottom = tuple(int(round(c * (1 - GRADIENT_DARKEN))) for c in top)
    return top, bottom  # type: ignore[return-value]


def contrasts(colour: str, background: str, gradient: bool) -> bool:
    """A shape must stand out from every part of its background, or neither a person nor the detector can see it."""
    top, bottom = background_ends(background, gradient)
    c = COLOURS[colour]
    return min(colour_distance(c, top), colour_distance(c, bottom)) >= 110


def article(word: str) -> str:
    return "an" if word[0] in "aeiou" else "a"


def noun_phrase(rng: random.Random, s: Shape, with_size: bool) -> str:
    words = []
    if with_size:
        words.append(rng.choice(SIZE_WORDS[s.size]))
    words.append(rng.choice(COLOUR_WORDS[s.colour]))
    words.append(rng.choice(SHAPE_WORDS[s.shape]))
    return f"{article(words[0])} {' '.join(words)}"


def background_phrase(rng: random.Random, scene: Scene) -> str:
    c = rng.choice(BG_WORDS[scene.background])
    if scene.gradient:
        a = article(c)
        return rng.choice([f"on {a} {c} gradient background", f"on {a} {c} gradient",
                           f"with {a} {c} gradient background", f"over {a} {c} gradient"])
    return rng.choice([f"on {article(c)} {c} background", f"with {article(c)} {c} background", f"on {c}",
                       f"on a plain {c} background"])


def pick_background(rng: random.Random, colours: list[str]) -> tuple[str, bool]:
    while True:
        bg = rng.choice(list(BACKGROUNDS))
        gradient = bg != "black" and rng.random() < 0.35  # black cannot get visibly darker
        if all(contrasts(c, bg, gradient) for c in colours):
            return bg, gradient


def jittered(rng: random.Random, x: float, y: float) -> tuple[float, float]:
    return x + rng.uniform(-JITTER, JITTER), y + rng.uniform(-JITTER, JITTER)


def random_scene(rng: random.Random, n_shapes: int | None = None, drop_attributes: bool = True) -> Scene:
    """Draw a scene and its caption. drop_attributes leaves some attributes unstated (random in the image)."""
    if n_shapes is None:
        n_shapes = rng.choices([1, 2, 3], weights=[0.5, 0.35, 0.15])[0]
    colours = rng.sample(list(COLOURS), n_shapes)  # distinct colours keep multi-shape captions unambiguous
    bg, gradient = pick_background(rng, colours)
    scene = Scene(background=bg, gradient=gradient)
    say_size = not (drop_attributes and rng.random() < 0.3)
    say_bg = not (drop_attributes and rng.random() < 0.15)
    if n_shapes == 1:
        pos = rng.choice(list(POSITIONS))
        size = rng.choice(list(SIZES))
        x, y = jittered(rng, *POSITIONS[pos])
        scene.shapes.append(Shape(rng.choice(SHAPES), colours[0], size, x, y, pos))
        say_pos = not (drop_attributes and rng.random() < 0.15)
        phrase = noun_phrase(rng, scene.shapes[0], say_size)
        parts = [phrase]
        if say_pos:
            parts.append(rng.choice(POSITION_PHRASES[pos]))
        body = " ".join(parts)
        scene.stated = {"size": say_size, "position": say_pos, "background": say_bg}
    elif n_shapes == 2:
        relation = rng.choice(list(RELATION_PHRASES))
        scene.relation = relation
        first, second = {"above": ("top", "bottom"), "below": ("bottom", "top"),
                         "left_of": ("left", "right"), "right_of": ("right", "left")}[relation]
        offsets = {"top": (32, 16), "bottom": (32, 48), "left": (16, 32), "right": (48, 32)}
        sizes = [rng.choice(list(SIZES)) for _ in range(2)]
        if sizes == ["large", "large"]:  # two large shapes this close would touch
            sizes[rng.randrange(2)] = "small"
        for colour, region, size in zip(colours, (first, second), sizes):
            x, y = offsets[region]
            x, y = x + rng.uniform(-2, 2), y + rng.uniform(-2, 2)
            scene.shapes.append(Shape(rng.choice(SHAPES), colour, size, x, y, region))
        a = noun_phrase(rng, scene.shapes[0], say_size)
        b = noun_phrase(rng, scene.shapes[1], say_size)
        if relation in ("left_of", "right_of") and rng.random() < 0.3:
            left, right = (a, b) if relation == "left_of" else (b, a)
            body = f"{left} on the left and {right} on the right"
        elif relation in ("above", "below") and rng.random() < 0.3:
            top, bottom = (a, b) if relation == "above" else (b, a)
            body = f"{top} at the top and {bottom} at the bottom"
        else:
            body = f"{a} {rng.choice(RELATION_PHRASES[relation])} {b}"
        scene.stated = {"size": say_size, "position": True, "background": say_bg}
    else:
        relation = rng.choice(["row", "column"])
        scene.relation = relation
        spots = [(11, 32), (32, 32), (53, 32)] if relation == "row" else [(32, 11), (32, 32), (32, 53)]
        regions = ["left", "centre", "right"] if relation == "row" else ["top", "centre", "bottom"]
        for colour, (x, y), region in zip(colours, spots, regions):
            x, y = x + rng.uniform(-1, 1), y + rng.uniform(-1, 1)
            scene.shapes.append(Shape(rng.choice(SHAPES), colour, "small", x, y, region))
        a, b, c = (noun_phrase(rng, s, False) for s in scene.shapes)
        if relation == "row":
            tail = rng.choice(["in a row", "from left to right", "side by side"])
        else:
            tail = rng.choice(["in a column", "from top to bottom", "stacked vertically"])
        body = f"{a}, {b} and {c} {tail}"
        scene.stated = {"size": False, "position": True, "background": say_bg}
    caption = body
    if say_bg:
        bgp = background_phrase(rng, scene)
        caption = f"{bgp}, {body}" if rng.random() < 0.2 else f"{body} {bgp}"
    if drop_attributes and rng.random() < 0.12:
        words = caption.split(" ")
        for _ in range(rng.randint(1, 2)):
            filler = rng.choice(FILLERS) if rng.random() < 0.7 else "".join(
                rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(3, 8)))
            words.insert(rng.randint(0, len(words)), filler)
        caption = " ".join(words)
    scene.caption = caption
    return scene


def shape_polygon(shape: str, cx: float, cy: float, r: float) -> list[tuple[float, float]] | None:
    if shape == "square":
        h = r * 0.85
        return [(cx - h, cy - h), (cx + h, cy - h), (cx + h, cy + h), (cx - h, cy + h)]
    if shape == "triangle":
        R = r * 1.15
        return [(cx + R * math.cos(math.radians(a)), cy + R * 0.15 - R * math.sin(math.radians(a)))
                for a in (90, 210, 330)]
    if shape == "diamond":
        return [(cx, cy - r * 1.15), (cx + r * 0.8, cy), (cx, cy + r * 1.15), (cx - r * 0.8, cy)]
    if shape == "star":
        R, inner = r * 1.1, r * 1.1 * 0.45
        pts = []
        for i in range(10):
            rad = R if i % 2 == 0 else inner
            a = math.radians(90 + 36 * i)
            pts.append((cx + rad * math.cos(a), cy - rad * math.sin(a)))
        return pts
    return None


def render(scene: Scene) -> Image.Image:
    big = SIZE * SUPERSAMPLE
    img = background_image(scene, big)
    for s in scene.shapes:  # shapes never overlap, so a ring's hole shows the background as it is there
        img.paste(COLOURS[s.colour], (0, 0, big, big), shape_mask(s, big))
    return img.resize((SIZE, SIZE), Image.BOX)


def shape_mask(s: Shape, size: int) -> Image.Image:
    """The pixels a shape covers, drawn at size x size (an "L" mask, 255 inside; a ring without its hole)."""
    k = size // SIZE
    mask = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(mask)
    r, cx, cy = SIZES[s.size] * k, s.x * k, s.y * k
    if s.shape in ("circle", "ring"):
        draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=255)
        if s.shape == "ring":
            ri = r * 0.55
            draw.ellipse([cx - ri, cy - ri, cx + ri, cy + ri], fill=0)
    else:
        poly = shape_polygon(s.shape, cx, cy, r)
        assert poly is not None
        draw.polygon(poly, fill=255)
    return mask


def background_image(scene: Scene, size: int) -> Image.Image:
    top, bottom = background_ends(scene.background, scene.gradient)
    img = Image.new("RGB", (size, size), top)
    if scene.gradient:
        draw = ImageDraw.Draw(img)
        for yy in range(size):
            t = yy / (size - 1)
            draw.line([(0, yy), (size, yy)], fill=tuple(int(round(a + (b - a) * t)) for a, b in zip(top, bottom)))
    return img


def cell_labels(scene: Scene, cells: int, min_cover: float = 0.15) -> list[list[int]]:
    """Which shape kind covers each of the cells x cells latent cells (index into SHAPES; len(SHAPES) = none).

    Training-only supervision for the autoencoder: a small head must read these back from the (noised) latents, so
    the latent space keeps shape kinds as far apart as colours. A cell takes the kind that covers most of it, if
    that covers at least min_cover of its area."""
    scale = 2  # enough to tell how much of an 8x8-pixel cell a shape covers
    cover = [[v / 255.0 for v in shape_mask(s, SIZE * scale).resize((cells, cells), Image.BOX).getdata()]
             for s in scene.shapes]  # mean coverage per cell
    labels = [[len(SHAPES)] * cells for _ in range(cells)]
    for i in range(cells * cells):
        best = max(range(len(scene.shapes)), key=lambda n: cover[n][i])
        if cover[best][i] >= min_cover:
            labels[i // cells][i % cells] = SHAPES.index(scene.shapes[best].shape)
    return labels
