"""A word-level vocabulary in OpenAI CLIP's byte-level BPE format, and a faithful CLIP tokenizer to encode with.

The files are laid out exactly like openai/clip-vit-large-patch14's tokenizer (vocab.json + merges.txt), so any CLIP
tokenizer (the engine's, transformers', open_clip's) encodes our captions to the same ids as this script. Every
grammar word is one token; merges.txt builds each word from its characters. Unknown words fall back to the
single-character tokens, which the model was trained to ignore.
"""
from __future__ import annotations

import json
import os
import re

BOS, EOS = "<|startoftext|>", "<|endoftext|>"
MAX_LENGTH = 77


def bytes_to_unicode() -> dict[int, str]:
    """CLIP's reversible byte -> printable unicode map (same as GPT-2)."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, [chr(c) for c in cs]))


# CLIP's pattern, restricted to what Python's re can express; for ASCII text (all our captions) it is identical.
PATTERN = re.compile(r"""<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[^\W\d_]+|\d|(?:[^\s\w]|_)+""",
                     re.IGNORECASE)


def bpe(token: str, ranks: dict[tuple[str, str], int]) -> list[str]:
    word = list(token[:-1]) + [token[-1] + "</w>"]
    while len(word) > 1:
        pairs = [(word[i], word[i + 1]) for i in range(len(word) - 1)]
        best = min(pairs, key=lambda p: ranks.get(p, float("inf")))
        if best not in ranks:
            break
        merged, i = [], 0
        while i < len(word):
            if i < len(word) - 1 and (word[i], word[i + 1]) == best:
                merged.append(word[i] + word[i + 1])
                i += 2
            else:
                merged.append(word[i])
                i += 1
        word = merged
    return word


class ClipTokenizer:
    def __init__(self, vocab: dict[str, int], merges: list[tuple[str, str]]):
        self.vocab = vocab
        self.ranks = {m: i for i, m in enumerate(merges)}
        self.byte_encoder = bytes_to_unicode()
        self.bos, self.eos = vocab[BOS], vocab[EOS]

    @classmethod
    def load(cls, directory: str) -> "ClipTokenizer":
        with open(os.path.join(directory, "vocab.json")) as f:
            vocab = json.load(f)
        with open(os.path.join(directory, "merges.txt")) as f:
            lines = f.read().split("\n")[1:]
        merges = [tuple(line.split()) for line in lines if line.strip()]
        return cls(vocab, merges)  # type: ignore[arg-type]

    def tokens(self, text: str) -> list[int]:
        text = re.sub(r"\s+", " ", text).strip().lower()
        ids: list[int] = []
        for piece in PATTERN.findall(text):
            piece = "".join(self.byte_encoder[b] for b in piece.encode("utf-8"))
            ids.extend(self.vocab[t] for t in bpe(piece, self.ranks))
        return ids

    def __call__(self, text: str) -> list[int]:
        """[BOS] tokens [EOS] padded with EOS to 77, as SD 1.x's CLIPTokenizer does."""
        ids = [self.bos] + self.tokens(text)[: MAX_LENGTH - 2] + [self.eos]
        return ids + [self.eos] * (MAX_LENGTH - len(ids))


def build(words: list[str]) -> tuple[dict[str, int], list[tuple[str, str]]]:
    """Vocabulary = CLIP's 512 base byte tokens + one token per word + specials; merges spell each word."""
    byte_tokens = list(bytes_to_unicode().values())
    tokens = byte_tokens + [t + "</w>" for t in byte_tokens]
    merges: list[tuple[str, str]] = []
    ranks: dict[tuple[str, str], int] = {}
    known = set(tokens)
    for word in sorted(set(words)):
        # Add merges until BPE turns the word into one token. A new merge has the lowest priority, so it can never
        # change how an earlier word is segmented (that word already merged fully using earlier merges).
        while True:
            parts = bpe(word, ranks)
            if len(parts) == 1:
                break
            pair = (parts[0], parts[1])
            ranks[pair] = len(merges)
            merges.append(pair)
            if pair[0] + pair[1] not in known:
                known.add(pair[0] + pair[1])
                tokens.append(pair[0] + pair[1])
    tokens += [BOS, EOS]
    return {t: i for i, t in enumerate(tokens)}, merges


def write(directory: str, words: list[str]) -> ClipTokenizer:
    vocab, merges = build(words)
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, "vocab.json"), "w") as f:
        json.dump(vocab, f, ensure_ascii=False)
    with open(os.path.join(directory, "merges.txt"), "w") as f:
        f.write("#version: 0.2\n" + "".join(f"{a} {b}\n" for a, b in merges))
    special = {"bos_token": BOS, "eos_token": EOS, "unk_token": EOS, "pad_token": EOS}
    with open(os.path.join(directory, "special_tokens_map.json"), "w") as f:
        json.dump(special, f, indent=2)
    config = {"tokenizer_class": "CLIPTokenizer", "model_max_length": MAX_LENGTH, "do_lower_case": True,
              "add_prefix_space": False, "errors": "replace", **special}
    with open(os.path.join(directory, "tokenizer_config.json"), "w") as f:
        json.dump(config, f, indent=2)
    tok = ClipTokenizer(vocab, merges)
    for w in words:  # every grammar word must be a single token, or the vocabulary is broken
        assert len(tok.tokens(w)) == 1, w
    return tok


def grammar_words() -> list[str]:
    from world import (BG_WORDS, POSITION_PHRASES, RELATION_PHRASES, SHAPE_WORDS, SIZE_WORDS)
    words = {"a", "an", "on", "the", "and", "in", "with", "of", "gradient", "background", "plain", "row", "column",
             "from", "to", "side", "by", "stacked", "vertically", "left", "right", "top", "bottom"}
    for table in (BG_WORDS, SHAPE_WORDS, SIZE_WORDS):
        for options in table.values():
            words.update(options)
    for table in (POSITION_PHRASES, RELATION_PHRASES):
        for options in table.values():
            for phrase in options:
                words.update(phrase.split())
    return sorted(w for w in words if w.isalpha())
