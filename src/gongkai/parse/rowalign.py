"""Align the rows found in a table to the template's rows, by their order as well as their words.

The official tables have a fixed row order. A row whose label names a template row (a phrase of
``labels.csv``) is an *anchor*. A row that names none lies between two anchors, and only the
template rows between those anchors that no other row took can be it: among them it is matched by
its likeness to each (a sequence alignment of the unmatched rows of the gap to the free template
rows of the gap, scored by label similarity, order kept). So a label with dropped or garbled
characters (其他法律法规禁公开), glued to the group cell beside it, or cut by a page break is still
matched, with a note giving the text as printed; when two template rows fit about equally well the
row is reported and left unmatched, never guessed.

The same alignment serves every layout (text, HTML, Word, PDF): it sees only labelled rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cache

from gongkai.parse.align import LabelledRow
from gongkai.parse.normalize import norm
from gongkai.report import ParseIssue
from gongkai.templates import label_phrases, table2_cells, table3_rows

MIN_LIKENESS = 0.7  # share of a template label's characters found, in order, in the printed label
MIN_LIKENESS_ALONE = 0.5  # the same when the row is the only candidate for the only free row of its gap
MIN_COMMON = 3  # characters in common at the least
AMBIGUITY_MARGIN = 0.15  # a second template row within this much of the best makes the match ambiguous
_ENUMERATION = re.compile(r"^(?:\(?[一二三四五六七八九十\d]+[).、]|[一二三四五六七八九十]+、)")


@dataclass(frozen=True)
class RowMatch:
    """A row matched by place and likeness rather than by a phrase."""

    row: int  # index among the rows given
    key: str
    likeness: float


@cache
def official_labels(table: str) -> dict[str, str]:
    """The template label of each row key of a table kind (both formats)."""
    if table == "table3_row":
        return {r.key: r.label for fmt in ("2019", "2021") for r in table3_rows(fmt)}
    if table == "table2_category":
        return {c.category: c.category_label for fmt in ("2019", "2021") for c in table2_cells(fmt)}
    return {}


@cache
def _targets(table: str, key: str) -> tuple[str, ...]:
    """The normalised texts a printed label is compared with: the official label without its
    enumeration marker, and the recognition phrases."""
    texts = [_ENUMERATION.sub("", norm(label)) for label in (official_labels(table).get(key, ""),) if label]
    texts += [norm(p) for p in label_phrases(table).get(key, ())]
    return tuple(dict.fromkeys(t for t in texts if t))


def likeness(label_text: str, table: str, key: str) -> float:
    """How much of the template row ``key`` the (normalised) printed label holds, from 0 to 1.

    For each target text, the characters found in order in the end of the label (as long as the
    target and a few characters more: a label may carry its group cell in front) over the target's
    length; the best target counts.
    """
    best = 0.0
    for target in _targets(table, key):
        tail = label_text[-(len(target) + 4) :]
        common = sum(b.size for b in SequenceMatcher(None, tail, target, autojunk=False).get_matching_blocks())
        if common >= min(MIN_COMMON, len(target)):
            best = max(best, common / len(target))
    return best


def place_rows(loose: list[int], anchors: dict[int, int], n_keys: int) -> list[tuple[list[int], list[int]]]:
    """The gaps of an alignment: the ``loose`` rows (row indexes, in order) grouped by the anchors around
    them, each group with the template positions free between those anchors (anchors map row → position)."""
    taken = set(anchors.values())
    groups: dict[tuple[int, int], list[int]] = {}
    for r in loose:
        before = max((p for a, p in anchors.items() if a < r), default=-1)
        after = min((p for a, p in anchors.items() if a > r), default=n_keys)
        groups.setdefault((before, after), []).append(r)
    return [(rows, [p for p in range(before + 1, after) if p not in taken]) for (before, after), rows in groups.items()]


def _best_alignment(scores: list[list[float]]) -> list[int | None]:
    """Order-keeping assignment of rows to positions maximising the summed scores (0 = not allowed)."""
    m, n = len(scores), len(scores[0]) if scores else 0
    best = [[0.0] * (n + 1) for _ in range(m + 1)]
    for i in range(m - 1, -1, -1):
        for j in range(n - 1, -1, -1):
            take = scores[i][j] + best[i + 1][j + 1] if scores[i][j] > 0 else 0.0
            best[i][j] = max(take, best[i + 1][j], best[i][j + 1])
    out: list[int | None] = []
    i = j = 0
    while i < m:
        if j < n and scores[i][j] > 0 and abs(best[i][j] - (scores[i][j] + best[i + 1][j + 1])) < 1e-12:
            out.append(j)
            i, j = i + 1, j + 1
        elif j < n and best[i][j] == best[i][j + 1]:
            j += 1
        else:
            out.append(None)
            i += 1
    return out


def align_gap(
    labels: list[str], rows: list[int], free: list[int], table: str, keys: tuple[str, ...]
) -> tuple[list[RowMatch], dict[int, list[str]]]:
    """Match the unanchored ``rows`` of one gap to its ``free`` template positions.

    Returns the matches and, for rows that two template rows could fit, the keys that fit.
    """
    if not free:
        return [], {}
    alone = len(rows) == 1 and len(free) == 1
    floor = MIN_LIKENESS_ALONE if alone else MIN_LIKENESS
    raw = [[likeness(labels[r], table, keys[p]) for p in free] for r in rows]
    scores = [[s if s >= floor else 0.0 for s in line] for line in raw]
    chosen = _best_alignment(scores)
    matches: list[RowMatch] = []
    ambiguous: dict[int, list[str]] = {}
    for a, (r, j) in enumerate(zip(rows, chosen, strict=True)):
        # the positions this row could take, given where its neighbours in the gap went
        low = max((chosen[b] for b in range(a) if chosen[b] is not None), default=-1) + 1
        high = min((chosen[b] for b in range(a + 1, len(rows)) if chosen[b] is not None), default=len(free))
        fits = [q for q in range(low, high) if scores[a][q] > 0]
        if j is None:
            if len(fits) > 1:
                ambiguous[r] = [keys[free[q]] for q in fits]
            continue
        # a rival is any other free row it could take that is about as like it, above the floor or not
        rivals = [
            q for q in range(low, high) if q != j and raw[a][q] > 0 and raw[a][q] >= scores[a][j] - AMBIGUITY_MARGIN
        ]
        if rivals:
            ambiguous[r] = [keys[free[q]] for q in sorted([j, *rivals])]
            continue
        matches.append(RowMatch(r, keys[free[j]], scores[a][j]))
    return matches, ambiguous


def align_unmatched(
    labels: list[str], loose: list[int], anchors: dict[int, int], table: str, keys: tuple[str, ...]
) -> tuple[list[RowMatch], dict[int, list[str]]]:
    """Match the ``loose`` rows (no phrase named them) by their place between the anchors and their likeness."""
    matches: list[RowMatch] = []
    ambiguous: dict[int, list[str]] = {}
    for rows, free in place_rows(loose, anchors, len(keys)):
        found, unsure = align_gap(labels, rows, free, table, keys)
        matches += found
        ambiguous.update(unsure)
    return matches, ambiguous


def printed_label(row: LabelledRow) -> str:
    """The row's label as printed (its last label cells, line breaks removed)."""
    text = "".join(s.cell.text for s in row.labels[-3:])
    return re.sub(r"\s+", "", text) or "(no label)"


def describe_match(match: RowMatch, table: str, before: str | None, after: str | None, printed: str) -> str:
    """The note of a row matched by place and likeness."""
    official = official_labels(table).get(match.key, match.key)
    between = f"between {before or 'the start'} and {after or 'the end'}"
    return (
        f"{match.key}: label printed as {printed!r} matched to {official!r} by its place ({between}) "
        f"and its likeness ({match.likeness:.0%})"
    )


def report_ambiguous(key_options: list[str], printed: str, section: str, line: int | None) -> ParseIssue:
    return ParseIssue(
        "error",
        section,
        f"values under the label {printed!r}, which could be {' or '.join(key_options)} by its place and "
        "likeness; not matched, not guessed",
        line,
    )
