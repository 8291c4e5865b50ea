"""Recognise which template row, column or category a label run names."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from gongkai.parse.align import LabelledRow
from gongkai.parse.normalize import norm
from gongkai.parse.rowalign import align_unmatched, describe_match, printed_label, report_ambiguous
from gongkai.report import ParseIssue
from gongkai.templates import label_phrases


def match_key(label_text: str, phrases: dict[str, tuple[str, ...]], keys: tuple[str, ...]) -> str | None:
    """The key among ``keys`` whose phrase ends last in ``label_text`` (the row label follows any headers)."""
    return _last_ending(label_text, tuple((norm(p), key) for key in keys for p in phrases.get(key, ())))


@lru_cache(maxsize=16384)
def match_template_key(label_text: str, table: str, keys: tuple[str, ...]) -> str | None:
    """:func:`match_key` with the phrases of ``label_phrases(table)``, normalised once per table.

    Cached: the same label texts come back in report after report.
    """
    return _last_ending(label_text, _phrase_pairs(table, keys))


@lru_cache(maxsize=64)
def _phrase_pairs(table: str, keys: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    phrases = label_phrases(table)
    return tuple((norm(p), key) for key in keys for p in phrases.get(key, ()))


def _last_ending(label_text: str, pairs: tuple[tuple[str, str], ...]) -> str | None:
    """The key of the (phrase, key) pair whose phrase ends last; on a tie the earlier key."""
    best, best_end = None, -1
    for phrase, key in pairs:
        i = label_text.rfind(phrase)
        if i >= 0 and i + len(phrase) > best_end:
            best, best_end = key, i + len(phrase)
    return best


def names_a_row(
    phrases: dict[str, tuple[str, ...]], headers: dict[str, tuple[str, ...]] | None = None
) -> Callable[[str], bool]:
    """A predicate: does this label text (the last label cells of a run) name a row, so that blank cells
    may follow it?

    Phrases that are also column headers (总计, 其他) are left out: a header row
    ending with 总计 must not pass for the 总计 row.
    """
    header_words = {norm(p) for ps in (headers or {}).values() for p in ps}
    normalized = tuple({norm(p) for ps in phrases.values() for p in ps} - header_words)

    def predicate(text: str) -> bool:
        return any(p in text for p in normalized)

    return predicate


def match_rows(
    rows: list[LabelledRow], table: str, keys: tuple[str, ...], section: str, issues: list[ParseIssue]
) -> dict[int, str]:
    """The template key of each labelled row (by position in ``rows``).

    A row whose label holds a phrase of a key is that key (the first time); the others are aligned by
    their place between those rows and their likeness to the free template rows
    (:mod:`gongkai.parse.rowalign`). Rows still unmatched, ambiguous and repeated labels are reported.
    """
    matched: dict[int, str] = {}
    repeated: dict[int, str] = {}
    for i, row in enumerate(rows):
        key = match_template_key(row.label_text, table, keys)
        if key is None:
            continue
        if key in matched.values():
            repeated[i] = key
        else:
            matched[i] = key
    loose = [i for i in range(len(rows)) if i not in matched and i not in repeated]
    ambiguous: dict[int, list[str]] = {}
    if loose:
        position = {key: p for p, key in enumerate(keys)}
        anchors = {i: position[key] for i, key in matched.items()}
        labels = [row.label_text for row in rows]
        found, ambiguous = align_unmatched(labels, loose, anchors, table, keys)
        for match in found:
            before = max((i for i in matched if i < match.row), default=None)
            after = min((i for i in matched if i > match.row), default=None)
            row = rows[match.row]
            note = describe_match(
                match,
                table,
                matched[before] if before is not None else None,
                matched[after] if after is not None else None,
                printed_label(row),
            )
            issues.append(ParseIssue("warning", section, note, row.line))
        matched.update({m.row: m.key for m in found})
        matched = dict(sorted(matched.items()))
    for i in sorted([*loose, *repeated]):
        row = rows[i]
        label = "".join(s.cell.text for s in row.labels[-3:]).strip() or "(no label)"
        if i in repeated:
            message = f"{repeated[i]} appears twice (second time as {label!r})"
            issues.append(ParseIssue("error", section, message, row.line))
        elif i in ambiguous:
            issues.append(report_ambiguous(ambiguous[i], printed_label(row), section, row.line))
        elif i not in matched:
            issues.append(ParseIssue("error", section, f"values under an unrecognised label {label!r}", row.line))
    return matched
