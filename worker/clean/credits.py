"""Credit lines other than the template footer: "Originally published at ...",
"This article first appeared on ...", and wire datelines such as "LONDON (Reuters) -".

A credit line is removed from the text (it is attribution, not story); a dateline stays,
because it is the story's first words, and only lends its publisher.
"""

from __future__ import annotations

import re

from worker.clean.html import Link, first_href
from worker.clean.sanitize import URL, host_of, strip_tracking
from worker.record import Attribution, Block

_CREDIT = re.compile(
    r"^(?:this (?:article|story|post) (?:was )?(?:first|originally) "
    r"(?:appeared|published)|originally (?:published|posted|appeared)) "
    r"(?:at|on|in|by) (?P<where>.{2,200}?)\.?$",
    re.IGNORECASE,
)
_DATELINE = re.compile(
    r"^(?:[A-Z][\w.'’ -]{0,40},? )?\((?P<pub>[A-Z][\w&.]*(?: [A-Z][\w&.]*){0,3})\) ?[-–—]"
)


def take_credits(blocks: list[Block], links: list[Link], attribution: Attribution) -> list[Block]:
    """Fill `attribution` from credit lines and datelines; return blocks without credit lines."""
    credits = {
        index: match
        for index, block in enumerate(blocks)
        if block.kind == "paragraph" and (match := _CREDIT.match(block.text))
    }
    kept = [b for i, b in enumerate(blocks) if i not in credits] if credits else list(blocks)
    for index, match in credits.items():
        where = match.group("where").strip()
        url = URL.search(where)
        href = url.group(0) if url else first_href(links, index)
        if href and not attribution.source_url:
            attribution.source_url = strip_tracking(href)
        if not attribution.publisher:
            attribution.publisher = (host_of(href) or where) if url else where
    first = next((b for b in kept if b.kind == "paragraph"), None)
    if first and not attribution.publisher and (dateline := _DATELINE.match(first.text)):
        attribution.publisher = dateline.group("pub")
    return kept
