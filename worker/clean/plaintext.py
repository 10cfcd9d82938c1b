"""Plain or tag-stripped text -> blocks, reading back the marks that `render` writes.

Each non-blank line is a block; "## ", "- ", "> " and "| a | b |" lines are headings, list
items, quotes and table rows. Reading our own output this way is what makes cleaning
idempotent, and it is harmless on other text, where such lines mean the same thing.
"""

from __future__ import annotations

import re

from worker.clean.render import parse_row, table_block
from worker.record import Block, BlockKind

_TAG = re.compile(r"<(?:[a-zA-Z][\w-]*[\s/>]|/[a-zA-Z]|!--)")
_MARK = re.compile(r"^(?:(?P<heading>#{1,6})|(?P<list_item>[-*•])|(?P<quote>>))\s+(?=\S)")


def read_blocks(text: str, max_blocks: int) -> list[Block]:
    """Blocks of normalised plain text (one per line; consecutive rows form one table)."""
    blocks: list[Block] = []
    rows: list[list[str]] = []
    for line in text.split("\n"):
        if len(blocks) >= max_blocks:
            break
        row = parse_row(line)
        if row is not None:
            rows.append(row)
            continue
        if rows:
            blocks.append(table_block(rows, header=False))
            rows = []
        if not line:
            continue
        mark = _MARK.match(line)
        kind: BlockKind = mark.lastgroup if mark else "paragraph"  # type: ignore[assignment]
        blocks.append(Block(kind, line[mark.end() :] if mark else line))
    if rows and len(blocks) < max_blocks:
        blocks.append(table_block(rows, header=False))
    return blocks


def has_markup(text: str) -> bool:
    """True when `text` holds tags (feeds often label plain text as HTML)."""
    return _TAG.search(text) is not None
