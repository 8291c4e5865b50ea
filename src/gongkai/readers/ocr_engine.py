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
    """What the recogniser read in one strip of text, and how sure it is (mean character probability).

    ``alternatives``: for a strip read over number characters, the readings with one unsure digit
    replaced by the digit the model ranked next (see :func:`_alternatives`).
    """

    text: str
    confidence: float
    alternatives: tuple[str, ...] = ()


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


UNSURE_DIGIT = 0.9  # a digit the model gave less than this probability has an alternative reading
RUNNER_UP = 0.02  # … when the digit it ranked next got at least this probability
MAX_ALTERNATIVES = 4


def _alternatives(probs: np.ndarray, allowed: np.ndarray, characters: list[str]) -> tuple[str, ...]:
    """The readings of a number strip with one unsure digit replaced by the model's runner-up digit.

    Greedy decoding over number characters; at each emitted digit whose probability is below
    UNSURE_DIGIT, the best other digit (at least RUNNER_UP) gives one alternative. At most
    MAX_ALTERNATIVES, most probable first; none when the strip holds anything but digits.
    """
    scores = np.where(allowed, probs, -1.0)
    best = scores.argmax(axis=1)
    chars: list[str] = []
    options: list[tuple[float, int, str]] = []  # (runner-up probability, position in the text, digit)
    previous = -1
    for t, k in enumerate(best.tolist()):
        if k != previous and k != 0:
            if not characters[k].isdigit():
                return ()
            if probs[t, k] < UNSURE_DIGIT:
                row = np.where(allowed, probs[t], -1.0)
                row[k] = row[0] = -1.0
                second = int(row.argmax())
                if characters[second].isdigit() and row[second] >= RUNNER_UP:
                    options.append((float(row[second]), len(chars), characters[second]))
            chars.append(characters[k])
        previous = k
    options.sort(reverse=True)
    out = []
    for _, at, digit in options[:MAX_ALTERNATIVES]:
        text = "".join(chars[:at]) + digit + "".join(chars[at + 1 :])
        if text != "".join(chars) and text not in out:
            out.append(text)
    return tuple(out)


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
            if reading.text and set(reading.text) <= NUMERIC | LOOKALIKES:
                if not set(reading.text) <= NUMERIC:
                    reading = _decode(probs, allowed, characters)
                reading = reading._replace(alternatives=_alternatives(probs, allowed, characters))
            out[m] = reading
    return out


DETECT_MIN_SIDE = 736  # the detector scales an image whose shorter side is below this up to it (RapidOCR's default)


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
