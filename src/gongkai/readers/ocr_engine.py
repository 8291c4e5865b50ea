"""The OCR engine: RapidOCR (PP-OCRv4 models, shipped in its PyPI wheel) on onnxruntime, one thread.

Chosen by measured accuracy on this project's own rendered pages (``docs/ocr.md``). Loaded once per
process, on first use, so that reading text files never pays for it. Works offline: the models are in
the wheel.
"""

from __future__ import annotations

from functools import cache
from typing import NamedTuple

import numpy as np

# One thread per model: the machines this runs on are shared, and a batch parallelises across files.
THREADS = 1


class Reading(NamedTuple):
    """What the recogniser read in one strip of text, and how sure it is (mean character probability)."""

    text: str
    confidence: float


class Found(NamedTuple):
    """A line of text found on a page: its box (x0, y0, x1, y1 in pixels), text and confidence."""

    box: tuple[int, int, int, int]
    text: str
    confidence: float


@cache
def _engine():
    from rapidocr_onnxruntime import RapidOCR  # imported here: heavy, and only scans need it

    return RapidOCR(intra_op_num_threads=THREADS, inter_op_num_threads=THREADS)


def _bgr(image: np.ndarray) -> np.ndarray:
    return np.repeat(image[:, :, None], 3, axis=2) if image.ndim == 2 else image


# What a number cell can hold: when the recogniser's own reading of a strip uses only these characters
# and digit look-alikes, the strip is decoded again over these alone (a lone 0 is otherwise often "o").
NUMERIC = frozenset("0123456789.,-/%—－")
LOOKALIKES = frozenset("oOlI|")


def _decode(probs: np.ndarray, allowed: np.ndarray | None, characters: list[str]) -> Reading:
    """Greedy CTC decoding of one strip's (time × character) probabilities, optionally over ``allowed`` only."""
    scores = probs if allowed is None else np.where(allowed, probs, -1.0)
    best = scores.argmax(axis=1)
    chars: list[str] = []
    confidences: list[float] = []
    previous = -1
    for t, k in enumerate(best.tolist()):
        if k != previous and k != 0:
            chars.append(characters[k])
            confidences.append(float(probs[t, k]))
        previous = k
    return Reading("".join(chars), float(np.mean(confidences)) if confidences else 0.0)


def recognise(strips: list[np.ndarray]) -> list[Reading]:
    """Read each strip (a grey or BGR image holding one line of text), in order.

    A strip the recogniser reads as digits and digit look-alikes only ("1o", "O") is read again with its
    choice restricted to what a number cell holds; the confidence is then the probability the model gave
    those characters, so a digit it thought was a letter comes out unsure.
    """
    if not strips:
        return []
    rec = _engine().text_rec
    characters: list[str] = rec.postprocess_op.character
    allowed = np.array([k == 0 or c in NUMERIC for k, c in enumerate(characters)])
    _, height, width = rec.rec_image_shape
    images = [_bgr(s) for s in strips]
    ratios = [img.shape[1] / img.shape[0] for img in images]
    order = np.argsort(ratios)
    out: list[Reading] = [Reading("", 0.0)] * len(images)
    for start in range(0, len(images), rec.rec_batch_num):
        members = order[start : start + rec.rec_batch_num].tolist()
        widest = max([width / height, *(ratios[m] for m in members)])
        batch = np.stack([rec.resize_norm_img(images[m], widest) for m in members]).astype(np.float32)
        for m, probs in zip(members, rec.session(batch)[0], strict=True):
            reading = _decode(probs, None, characters)
            if reading.text and set(reading.text) <= NUMERIC | LOOKALIKES and not set(reading.text) <= NUMERIC:
                reading = _decode(probs, allowed, characters)
            out[m] = reading
    return out


def find_text(image: np.ndarray) -> list[Found]:
    """Detect and read every line of text of a page image (grey or BGR), top to bottom."""
    results, _ = _engine()(_bgr(image), use_cls=False)
    found: list[Found] = []
    for box, text, score in results or []:
        xs = [p[0] for p in box]
        ys = [p[1] for p in box]
        found.append(Found((int(min(xs)), int(min(ys)), int(max(xs)), int(max(ys))), str(text), float(score)))
    found.sort(key=lambda f: (f.box[1], f.box[0]))
    return found
