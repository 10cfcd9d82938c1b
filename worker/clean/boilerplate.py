"""Lines that belong to the feed or the site, not to the story.

Matched against whole blocks, and only short ones for the generic calls to action, so a
paragraph that merely mentions "read more" is never dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from worker.record import Block

BUILTIN = (  # one alternation, so a block costs one search
    re.compile(
        "|".join(
            (
                r"^the post .{1,300} appeared first on .{1,200}$",
                r"^(?:continue reading|read more|read the (?:full|rest of the|original) "
                r"(?:story|article|post)|click here to read more|keep reading)\b.{0,80}$",
                r"^(?:share|share this(?: article| story)?|share on \w+|tweet|subscribe|sign up|"
                r"follow us|like us on facebook|join our newsletter)\b.{0,80}$",
                r"^(?:related(?: articles| posts| stories)?|advertisement|sponsored|photo credit)"
                r"\s*:?\s*$",
            )
        ),
        re.IGNORECASE,
    ),
)
_TRAILING_ELLIPSIS = re.compile(r"(?:\s*\[(?:…|\.\.\.)\])+$")


def drop_boilerplate(blocks: list[Block], patterns: Iterable[re.Pattern[str]]) -> list[Block]:
    """Blocks minus those matching any pattern; WordPress's trailing "[…]" is trimmed."""
    # pattern by pattern: one tight loop each, rather than an any() per block
    dropped = {
        index
        for search in [p.search for p in patterns]
        for index, block in enumerate(blocks)
        if block.kind != "table" and search(block.text)
    }
    kept: list[Block] = []
    for index, block in enumerate(blocks):
        if index in dropped:
            continue
        if block.kind == "paragraph" and block.text.endswith("]"):
            text = _TRAILING_ELLIPSIS.sub("", block.text)
            if not text:
                continue
            block = Block(block.kind, text)
        kept.append(block)
    return kept


def drop_title_echo(blocks: list[Block], title: str, publisher: str | None) -> list[Block]:
    """Blocks minus a teaser that only repeats the headline (Google News descriptions)."""
    echoes = {title.casefold(), f"{title} {publisher or ''}".strip().casefold()}
    longest = max(map(len, echoes)) + 8  # casefold can lengthen a little ("ß" -> "ss")
    return [
        b
        for b in blocks
        if b.kind == "table" or len(b.text) > longest or b.text.casefold() not in echoes
    ]
