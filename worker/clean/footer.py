"""The WP-Automatic attribution footer: read it into an Attribution, then cut it off.

Autoblogs append `Source link : URL / Author : NAME / Publish date : ... / Copyright for
syndicated content belongs to the linked Source.` before a spinner runs, so the labels come
spun (Source|Supply, link|hyperlink, Author|Writer|Creator, content|content material) and,
in tag-stripped excerpts, glued to each other and to the story. "Publish date" and the
copyright sentence are never spun: they are the anchors. Two template parts close together
are required, so an ordinary "Author:" line in a story is left alone.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from worker.clean.html import Link, first_href
from worker.clean.sanitize import URL, strip_tracking
from worker.record import Attribution, Block

_LABELS = re.compile(  # a bare "Source link" line is an anchor to the source
    r"(?P<source>(?:Source|Supply)\s*(?i:link|hyperlink)(?:\s*:|$))"
    r"|(?P<author>(?:Author|Writer|Creator)\s*:)"
    r"|(?P<date>Publish\s*(?i:date)\s*:)"
    r"|(?P<copyright>Copyright\s+(?i:for\s+syndicated\s+content(?:\s+material)?\s+belongs"
    r"\s+to\s+the\s+linked\s+(?:source|supply))\.?)",
    re.MULTILINE,
)
# Every label starts with one of these words, case and all. Scanning for them is far
# faster than a search with `_LABELS`, which the regex engine tries at every offset because
# its alternatives open with groups. No word has a capital inside, so the scan cannot step
# over a word that starts inside another.
_LABEL_WORD = re.compile("Source|Supply|Author|Writer|Creator|Publish|Copyright")
_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2})?)")
_MAX_GAP = 400  # characters of value between two labels of one footer (a long URL)
_TAIL_BLOCKS = 8
_TAIL_CHARS = 2_000  # a footer and what may follow it (share lines) fit in this


@dataclass(slots=True)
class FooterResult:
    blocks: list[Block]
    attribution: Attribution
    found: bool


def strip_footer(blocks: list[Block], links: list[Link]) -> FooterResult:
    """Find the template footer at the end of `blocks`; return blocks without it and its data."""
    start = len(blocks)
    while start > 0 and len(blocks) - start < _TAIL_BLOCKS and blocks[start - 1].kind != "table":
        start -= 1
    tail = blocks[start:]
    offsets, pos = [], 0
    for block in tail:
        offsets.append(pos)
        pos += len(block.text) + 1
    text = "\n".join(b.text for b in tail)

    matches = _label_matches(text, max(0, len(text) - _TAIL_CHARS))
    chain: list[re.Match[str]] = []
    for m in reversed(matches):  # the footer is the last run of labels, close together
        if chain and chain[0].start() - m.end() > _MAX_GAP:
            break
        chain.insert(0, m)
    if len({m.lastgroup for m in chain}) < 2:
        return FooterResult(blocks, Attribution(), False)

    attribution = Attribution()
    for m, following in zip(chain, [*chain[1:], None], strict=True):
        end = following.start() if following else len(text)
        value = text[m.end() : end].split("\n", 1)[0].strip()
        if m.lastgroup == "source":
            url = URL.search(value)
            href = url.group(0) if url else first_href(links, start + _block_at(offsets, m.start()))
            attribution.source_url = strip_tracking(href) if href else None
        elif m.lastgroup == "author" and value:
            attribution.author = value
        elif m.lastgroup == "date" and (date := _DATE.search(value)):
            time = date.group(2) if date.group(2).count(":") == 2 else date.group(2) + ":00"
            attribution.published_at = f"{date.group(1)}T{time}"

    cut = chain[0].start()
    index = _block_at(offsets, cut)
    kept = blocks[: start + index]
    head = text[offsets[index] : cut].strip()
    if head:
        original = tail[index]
        kept.append(Block(original.kind, head, original.rows, original.header))
    return FooterResult(kept, attribution, True)


def _label_matches(text: str, start: int) -> list[re.Match[str]]:
    """`list(_LABELS.finditer(text, start))`, with `_LABELS` tried only where a
    `_LABEL_WORD` starts: the only offsets where it can match."""
    matches: list[re.Match[str]] = []
    end = start
    for word in _LABEL_WORD.finditer(text, start):
        if word.start() >= end and (m := _LABELS.match(text, word.start())):
            matches.append(m)
            end = m.end()
    return matches


def _block_at(offsets: list[int], position: int) -> int:
    """Index (within the tail) of the block holding character `position`."""
    return bisect.bisect_right(offsets, position) - 1
