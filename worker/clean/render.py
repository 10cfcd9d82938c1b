"""Blocks -> the contract's text format, and the inverse reading of table rows.

The format is Markdown-like on purpose: a reader sees structure in plain text, and the
plain-text parser reads the same marks back, which is what makes `clean()` idempotent.
"""

from __future__ import annotations

import re

from worker.record import Block

_PREFIX = {"heading": "## ", "list_item": "- ", "quote": "> ", "paragraph": "", "table": ""}
_CELL_SPLIT = re.compile(r"(?<!\\)\|")


def render_row(cells: list[str]) -> str:
    """One table row as "| a | b |"; a literal "|" in a cell is escaped as "\\|"."""
    return "| " + " | ".join([c.replace("|", "\\|") for c in cells]) + " |"


def parse_row(line: str) -> list[str] | None:
    """The cells of a rendered row, or None when `line` is not one."""
    if len(line) < 2 or not (line.startswith("|") and line.endswith("|")) or line.endswith("\\|"):
        return None
    return [c.strip().replace("\\|", "|") for c in _CELL_SPLIT.split(line[1:-1])]


def table_block(rows: list[list[str]], header: bool) -> Block:
    """A table block whose text is its rows rendered, one per line."""
    return Block("table", "\n".join([render_row(r) for r in rows]), rows=rows, header=header)


def render(blocks: list[Block]) -> str:
    """The clean text: blocks separated by one blank line (a table's text is its rows)."""
    return "\n\n".join([_PREFIX[b.kind] + b.text for b in blocks])
