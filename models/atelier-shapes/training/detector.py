"""A simple program that reads a shapes-world image back: background, and each shape's colour, kind and place.

Used to monitor training in Python. The product's evaluation (../eval/evaluate.ts) implements the same steps in
TypeScript with the same templates file, so both report comparable numbers.

Steps: background = straight line between the median colours of the top and bottom two rows (plain or gradient);
foreground = pixels far from it; shapes = 4-connected foreground components of at least MIN_AREA pixels; colour =
nearest named colour to the component's median; kind = best IoU between the component's bounding-box mask, resampled
to 16x16, and a template per kind; place = centroid.
"""
from __future__ import annotations

import json
import os
from collections import deque

import numpy as np

import world

FOREGROUND_DISTANCE = 70.0
CORE_DISTANCE = 100.0
MIN_AREA = 12
GRID = 16
CENTRE_BOX = 8.0
GRADIENT_MIN = 40.0
LARGE_EXTENT = 22  # bounding box side in pixels separating "small" (~16-19) from "large" (~26-31)
TEMPLATES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "eval", "shape-templates.json")


def nearest(rgb: np.ndarray, table: dict[str, tuple[int, int, int]]) -> str:
    return min(table, key=lambda k: float(np.sum((rgb - np.array(table[k], dtype=np.float64)) ** 2)))


def components(mask: np.ndarray) -> list[np.ndarray]:
    h, w = mask.shape
    seen = np.zeros_like(mask, dtype=bool)
    out = []
    for y0 in range(h):
        for x0 in range(w):
            if not mask[y0, x0] or seen[y0, x0]:
                continue
            pixels = []
            queue = deque([(y0, x0)])
            seen[y0, x0] = True
            while queue:
                y, x = queue.popleft()
                pixels.append((y, x))
                for yy, xx in ((y + 1, x), (y - 1, x), (y, x + 1), (y, x - 1)):
                    if 0 <= yy < h and 0 <= xx < w and mask[yy, xx] and not seen[yy, xx]:
                        seen[yy, xx] = True
                        queue.append((yy, xx))
            out.append(np.array(pixels))
    return out


def resample(mask: np.ndarray) -> np.ndarray:
    """Bounding-box crop of a binary mask resampled to GRID x GRID by averaging 4x4 point samples per cell."""
    ys, xs = np.nonzero(mask)
    y0, y1, x0, x1 = ys.min(), ys.max() + 1, xs.min(), xs.max() + 1
    crop = mask[y0:y1, x0:x1].astype(np.float64)
    h, w = crop.shape
    out = np.zeros((GRID, GRID))
    for i in range(GRID):
        for j in range(GRID):
            acc = 0.0
            for a in range(4):
                for b in range(4):
                    yy = int((i + (a + 0.5) / 4) * h / GRID)
                    xx = int((j + (b + 0.5) / 4) * w / GRID)
                    acc += crop[yy, xx]
            out[i, j] = acc / 16
    return out


def background_model(img: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    top = np.median(img[:2].reshape(-1, 3), axis=0)
    bottom = np.median(img[-2:].reshape(-1, 3), axis=0)
    return top, bottom


def analyse(img: np.ndarray, templates: dict[str, np.ndarray]) -> dict:
    img = img.astype(np.float64)
    h = img.shape[0]
    top, bottom = background_model(img)
    t = (np.arange(h) / (h - 1))[:, None, None]
    bg = top[None, None, :] * (1 - t) + bottom[None, None, :] * t
    dist = np.sqrt(((img - bg) ** 2).sum(-1))
    objects = []
    for pix in components(dist > FOREGROUND_DISTANCE):
        if len(pix) < MIN_AREA:
            continue
        mask = np.zeros(dist.shape, dtype=bool)
        mask[pix[:, 0], pix[:, 1]] = True
        core = mask & (dist > CORE_DISTANCE)
        colour_pixels = img[core] if core.sum() >= 4 else img[mask]
        grid = resample(mask)
        scores = {k: float(np.minimum(grid, v).sum() / np.maximum(grid, v).sum()) for k, v in templates.items()}
        ys, xs = pix[:, 0], pix[:, 1]
        objects.append({
            "colour": nearest(np.median(colour_pixels, axis=0), world.COLOURS),
            "shape": max(scores, key=scores.get),  # type: ignore[arg-type]
            "x": float(xs.mean()) + 0.5, "y": float(ys.mean()) + 0.5, "area": int(len(pix)),
            "extent": int(max(ys.max() - ys.min(), xs.max() - xs.min()) + 1),
        })
    return {"background": nearest(top, world.BACKGROUNDS),
            "gradient": bool(np.sqrt(((top - bottom) ** 2).sum()) > GRADIENT_MIN), "objects": objects}


def region(x: float, y: float) -> str:
    dx, dy = x - 32, y - 32
    if max(abs(dx), abs(dy)) < CENTRE_BOX:
        return "centre"
    if abs(dx) >= abs(dy):
        return "left" if dx < 0 else "right"
    return "top" if dy < 0 else "bottom"


def before(a: dict, b: dict, axis: str) -> bool:
    """a is clearly left of (axis x) or above (axis y) b."""
    other = "y" if axis == "x" else "x"
    gap = b[axis] - a[axis]
    return gap > 6 and gap > abs(b[other] - a[other])


def score(spec: dict, found: dict) -> dict:
    """Per-attribute results for one held-out scene: lists of 0/1 for colour and shape (one per shape), single 0/1
    for position, background, count, and size (single-shape scenes)."""
    matches = []
    for s in spec["shapes"]:
        same = [o for o in found["objects"] if o["colour"] == s["colour"]]
        if same:
            matches.append(max(same, key=lambda o: o["area"]))
            continue
        near = [o for o in found["objects"] if (o["x"] - s["x"]) ** 2 + (o["y"] - s["y"]) ** 2 < 16 ** 2]
        matches.append(min(near, key=lambda o: (o["x"] - s["x"]) ** 2 + (o["y"] - s["y"]) ** 2) if near else None)
    colour = [int(m is not None and m["colour"] == s["colour"]) for s, m in zip(spec["shapes"], matches)]
    shape = [int(m is not None and m["shape"] == s["shape"]) for s, m in zip(spec["shapes"], matches)]
    result = {"colour": colour, "shape": shape,
              "background": int(found["background"] == spec["background"] and found["gradient"] == spec["gradient"]),
              "count": int(len(found["objects"]) == len(spec["shapes"]))}
    if any(m is None for m in matches):
        result["position"] = 0
    elif len(matches) == 1:
        result["position"] = int(region(matches[0]["x"], matches[0]["y"]) == spec["shapes"][0]["position"])
    elif len(matches) == 2:
        a, b = matches
        rel = spec["relation"]
        ok = {"above": before(a, b, "y"), "below": before(b, a, "y"),
              "left_of": before(a, b, "x"), "right_of": before(b, a, "x")}[rel]
        result["position"] = int(ok)
    else:
        axis = "x" if spec["relation"] == "row" else "y"
        result["position"] = int(before(matches[0], matches[1], axis) and before(matches[1], matches[2], axis))
    if len(matches) == 1:
        m = matches[0]
        result["size"] = int(m is not None and (m["extent"] >= LARGE_EXTENT) == (spec["shapes"][0]["size"] == "large"))
    return result


def summarise(results: list[dict], specs: list[dict]) -> dict:
    out: dict[str, dict[str, float]] = {}
    groups = {"all": range(len(results))}
    for n in (1, 2, 3):
        groups[f"{n}-shape"] = [i for i, s in enumerate(specs) if len(s["shapes"]) == n]
    for name, idx in groups.items():
        idx = list(idx)
        if not idx:
            continue
        row: dict[str, float] = {"captions": len(idx)}
        for key in ("colour", "shape"):
            vals = [v for i in idx for v in results[i][key]]
            row[key] = float(np.mean(vals))
        for key in ("position", "background", "count", "size"):
            vals = [results[i][key] for i in idx if key in results[i]]
            if vals:
                row[key] = float(np.mean(vals))
        out[name] = row
    return out


def make_templates() -> dict[str, list[list[float]]]:
    """Average mask of each kind over both sizes and sub-pixel offsets, drawn by the renderer itself."""
    out = {}
    for kind in world.SHAPES:
        grids = []
        for size in world.SIZES:
            for off in (0.0, 0.25, 0.5, 0.75):
                scene = world.Scene(background="black", gradient=False,
                                    shapes=[world.Shape(kind, "white", size, 32 + off, 32 + off)])
                img = np.asarray(world.render(scene)).astype(np.float64)
                grids.append(resample(img.mean(-1) > 245 * 0.5))  # pixels at least half covered
        out[kind] = np.mean(grids, axis=0).round(4).tolist()
    return out


def load_templates() -> dict[str, np.ndarray]:
    with open(TEMPLATES) as f:
        return {k: np.array(v) for k, v in json.load(f).items()}


if __name__ == "__main__":
    # writes the templates and checks the detector on the ground-truth renders of the held-out scenes
    with open(TEMPLATES, "w") as f:
        json.dump(make_templates(), f)
    specs = json.load(open(os.path.join(os.path.dirname(TEMPLATES), "heldout-captions.json")))
    templates = load_templates()
    results = []
    for spec in specs:
        scene = world.Scene(background=spec["background"], gradient=spec["gradient"],
                            shapes=[world.Shape(**s) for s in spec["shapes"]], relation=spec["relation"])
        results.append(score(spec, analyse(np.asarray(world.render(scene)), templates)))
    print(json.dumps(summarise(results, specs), indent=1))
