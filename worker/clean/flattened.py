"""Rebuild lists and tables that tag-stripping flattened into one glued paragraph.

Only for text with no markup left. A paragraph becomes list items when its glued pieces
start with bold-style labels ("Army Presence: ...") or when it follows a line ending in
":"; a glued run becomes a table only when a header run of short cells and at least two
rows line up into consistent columns. When unsure we leave a paragraph: a paragraph with
glue is a nuisance, a wrong table is a lie.
"""

from __future__ import annotations

import re

from worker.clean.glue import cell_points, respace, sentence_points, space_commas, split_at
from worker.clean.render import table_block
from worker.record import Block

_LABEL = re.compile(r"^[A-Za-z][\w’'&/()-]*(?: [\w’'&/()-]+){0,5}: \S")
_HEADER_CELL = re.compile(r"^[A-Za-z][A-Za-z’' &/()-]{0,39}$")
_HEADER_START = re.compile(r"[A-Za-z][A-Za-z’' &/()-]{0,38}[a-z](?:[A-Z]|\d)")  # cheap gate
_MIN_SCORE = 0.85
_MAX_TABLE_CHARS = 6_000
_MAX_TABLE_TRIES = 24


def restructure(blocks: list[Block], keep: frozenset[str] = frozenset()) -> list[Block]:
    """Split glued paragraphs into paragraphs, list items and tables; respace the rest."""
    out: list[Block] = []
    for block in blocks:
        if block.kind == "paragraph":
            after_colon = bool(out) and out[-1].kind == "paragraph" and out[-1].text.endswith(":")
            out.extend(_paragraph(block.text, after_colon, keep))
        elif block.kind == "table":
            rows = [[respace(c) for c in row] for row in block.rows or []]
            out.append(table_block(rows, block.header))
        else:
            out.append(Block(block.kind, respace(block.text)))
    return out


def _paragraph(text: str, after_colon: bool, keep: frozenset[str]) -> list[Block]:
    """One glued paragraph as prose blocks, then the table it ends with, if any."""
    points = sentence_points(text)
    # A table runs to the end of its paragraph; bounding where we look bounds the work.
    starts = [p for p in (0, *points) if len(text) - p <= _MAX_TABLE_CHARS][:_MAX_TABLE_TRIES]
    table, table_at = None, len(text)
    for start in starts:
        if not _HEADER_START.match(text, start):
            continue
        if (table := _table(text[start:], keep)) is not None:
            table_at = start
            break
    if table is None and not points:  # nothing glued here (most paragraphs): one piece
        text = text.strip()  # has no sentence glue either, so respace() is space_commas()
        return [Block("paragraph", space_commas(text))] if text else []
    prose = split_at(text[:table_at], [p for p in points if p < table_at])
    blocks = _prose(prose, after_colon)
    if table is not None:
        blocks.append(table)
    return blocks


def _prose(pieces: list[str], after_colon: bool) -> list[Block]:
    """Glued pieces as one paragraph, or as list items from the first labelled piece on."""
    labelled = [i for i, p in enumerate(pieces) if ": " in p and _LABEL.match(p)]
    if after_colon and len(pieces) >= 2:
        first_item = 0
    elif len(labelled) >= 2:
        first_item = labelled[0]
    else:
        first_item = len(pieces)
    blocks = [Block("paragraph", respace(" ".join(pieces[:first_item])))] if first_item else []
    blocks.extend(Block("list_item", respace(p)) for p in pieces[first_item:])
    return blocks


def _table(text: str, keep: frozenset[str]) -> Block | None:
    """A table block if `text` is a header run followed by rows that line up, else None."""
    cells = split_at(text, cell_points(text, keep))
    if len(cells) < 6 or not (_HEADER_CELL.match(cells[0]) and _HEADER_CELL.match(cells[1])):
        return None
    best: tuple[float, int] | None = None
    for width in range(2, 7):
        if len(cells) < 3 * width or len(cells) % width:
            continue
        if not all(_HEADER_CELL.match(c) and len(c.split()) <= 4 for c in cells[:width]):
            break  # a wider header would contain this non-header cell too
        rows = [cells[i : i + width] for i in range(width, len(cells), width)]
        score = _consistency(rows)
        if score >= _MIN_SCORE and (best is None or score > best[0]):
            best = (score, width)
    if best is None:
        return None
    width = best[1]
    rows = [[respace(c) for c in cells[i : i + width]] for i in range(0, len(cells), width)]
    return table_block(rows, header=True)


def _features(cell: str) -> tuple[bool, bool, bool]:
    """The shape of a cell that stays the same down a real column."""
    return (any(ch.isdigit() for ch in cell), len(cell.split()) > 3, cell[-1] in ".!?")


def _consistency(rows: list[list[str]]) -> float:
    """Mean agreement of cell shapes (digits, length, sentence end) down each column."""
    scores = []
    for column in zip(*rows, strict=True):
        shapes = [_features(c) for c in column]
        for feature in zip(*shapes, strict=True):
            scores.append(max(feature.count(True), feature.count(False)) / len(feature))
    return sum(scores) / len(scores)
