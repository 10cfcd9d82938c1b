"""`clean()`: the cleaner's stages chained as plain functions over an Entry.

    title -> choose body -> cap -> blocks (HTML via selectolax, or plain lines)
    -> template footer -> credit lines -> boilerplate -> headline echo
    -> [plain text only: glue repair] -> cap -> render -> attribution fallbacks
    -> syndication

Pure and total: no I/O, and any failure degrades to a warning and plainer output, because
a crash here would turn one odd item into a retry loop for the whole batch.
"""

from __future__ import annotations

import html as htmllib
import re
from dataclasses import dataclass

from worker.clean.boilerplate import BUILTIN, drop_boilerplate, drop_title_echo
from worker.clean.credits import take_credits
from worker.clean.flattened import restructure
from worker.clean.footer import strip_footer
from worker.clean.glue import KEEP_MIXED_CASE
from worker.clean.html import Link, extract
from worker.clean.plaintext import has_markup, read_blocks
from worker.clean.render import render
from worker.clean.rules import DEFAULT_RULES, CleanRules, HostRules
from worker.clean.sanitize import cap_bytes, normalize_text, strip_tracking
from worker.clean.syndication import syndication
from worker.clean.title import split_title
from worker.record import Attribution, Block, Cleaned, Entry, Syndication

_TAG = re.compile(r"<[^>]*>")


@dataclass(slots=True)
class _Body:
    text: str
    is_html: bool


def clean(entry: Entry, rules: CleanRules | None = None) -> Cleaned:
    """Clean one entry; never raises (failures become warnings and a plain-text fallback)."""
    rules = rules or DEFAULT_RULES
    warnings: list[str] = []
    try:
        return _clean(entry, rules, warnings)
    except Exception as exc:  # the contract is "never raises"
        warnings.append(f"cleaning failed ({type(exc).__name__}: {exc}); fell back to plain text")
        return _fallback(entry, rules, warnings)


def _choose_body(entry: Entry) -> _Body:
    """content:encoded over the summary; HTML without a single tag is plain text."""
    if entry.content_html and not entry.content_html.isspace():
        body = _Body(entry.content_html, True)
    else:
        body = _Body(entry.summary or "", entry.summary_is_html)
    if body.is_html and not has_markup(body.text):
        return _Body(htmllib.unescape(body.text), False)
    return body


def _strip_tags(html: str) -> str:
    """Text of `html` without a parser: each tag becomes a line break, entities decoded."""
    return htmllib.unescape(_TAG.sub("\n", html))


def _blocks(
    body: _Body, host: HostRules, rules: CleanRules, warnings: list[str]
) -> tuple[list[Block], list[Link]]:
    """Blocks (and links, for the footer) of the body: parsed HTML, or plain lines."""
    if body.is_html:
        try:
            extracted = extract(body.text, host.drop_selectors, _read_limit(rules))
        except Exception as exc:  # a parser bug must not lose the item
            warnings.append(f"HTML parse failed ({type(exc).__name__}); used tag-stripped text")
        else:
            return extracted.blocks, extracted.links
        return read_blocks(normalize_text(_strip_tags(body.text)), _read_limit(rules)), []
    return read_blocks(normalize_text(body.text), _read_limit(rules)), []


def _clean(entry: Entry, rules: CleanRules, warnings: list[str]) -> Cleaned:
    title, title_publisher = split_title(entry.title or "", entry.source_title)
    body = _choose_body(entry)
    body.text, cut = cap_bytes(body.text, rules.max_html_bytes)
    if cut:
        warnings.append(f"input over {rules.max_html_bytes} bytes: truncated")
    host = rules.for_url(entry.url or entry.feed)
    blocks, links = _blocks(body, host, rules, warnings)

    footer = strip_footer(blocks, links)
    attribution = footer.attribution
    attribution.publisher = title_publisher or entry.source_title
    blocks = take_credits(footer.blocks, links, attribution)
    blocks = drop_boilerplate(blocks, (*BUILTIN, *rules.boilerplate, *host.drop_patterns))
    blocks = drop_title_echo(blocks, title, attribution.publisher)
    if not body.is_html:
        blocks = restructure(blocks, KEEP_MIXED_CASE | rules.keep_mixed_case)
    blocks = _cap(blocks, rules, warnings)
    text = render(blocks)
    if not text:
        warnings.append("no text left after cleaning")

    attribution.author = attribution.author or _or_none(entry.author)
    if not attribution.source_url and entry.source_url:
        attribution.source_url = strip_tracking(entry.source_url)
    return Cleaned(
        title=title,
        text=text,
        blocks=blocks,
        attribution=attribution,
        syndication=syndication(title, text, entry.url, attribution, footer.found),
        warnings=warnings,
    )


def _read_limit(rules: CleanRules) -> int:
    """Read one block more than we keep, so that `_cap` sees there were more and says so."""
    return rules.max_blocks + 1


def _cap(blocks: list[Block], rules: CleanRules, warnings: list[str]) -> list[Block]:
    """Whole blocks up to the block and character limits, so nothing is cut mid-sentence."""
    if (
        len(blocks) <= rules.max_blocks
        and sum([len(b.text) for b in blocks]) + 2 * len(blocks) <= rules.max_text_chars
    ):
        return blocks  # the common case, checked at C speed: within both limits
    total = 0
    for index, block in enumerate(blocks):
        total += len(block.text) + 2
        if total > rules.max_text_chars or index >= rules.max_blocks:
            warnings.append(f"text over the limits: truncated at block {index}")
            return blocks[:index]
    return blocks


def _or_none(value: str | None) -> str | None:
    value = " ".join(value.split()) if value else ""
    return value or None


def _fallback(entry: Entry, rules: CleanRules, warnings: list[str]) -> Cleaned:
    """The least we can always produce: tag-stripped lines as blocks, no attribution."""
    try:
        raw, _ = cap_bytes(entry.content_html or entry.summary or "", rules.max_html_bytes)
        blocks = _cap(read_blocks(normalize_text(_strip_tags(raw)), _read_limit(rules)), rules, [])
        title = " ".join(str(entry.title or "").split())
    except Exception:  # last resort: an empty item is still a recorded item
        blocks, title = [], ""
    return Cleaned(title, render(blocks), blocks, Attribution(), Syndication(), warnings)
