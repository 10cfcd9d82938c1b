"""Properties of clean() over generated input: total, idempotent, bounded."""

from __future__ import annotations

import os

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.clean.conftest import html_entry, text_entry
from worker.clean import clean

# CLEAN_PROPERTY_EXAMPLES=5000 for a deeper run than the default one.
EXAMPLES = int(os.environ.get("CLEAN_PROPERTY_EXAMPLES", "300"))
TAGS = ["p", "div", "span", "b", "a", "li", "ul", "h2", "blockquote", "table", "tr", "td", "th"]
TAGS += ["br", "script", "style", "iframe", "form", "img", "thead", "em", "section", "!--"]

# Prose as publishers write it: words separated by spaces, with names that look like glue.
WORDS = [
    "the", "minister", "said", "on", "Tuesday", "talks", "ended,", "again.", "Prices",
    "rose", "3.5%", "in", "U.S.", "iPhone", "McDonald", "YouTube", "eBay", "Kursk:",
    "(Reuters)", "-", "bbc.com", "“Yes”", "don’t", "x", "Ærø", "1,200",
]  # fmt: skip


def markup(text: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """HTML-ish strings: `text` mixed with open/close tags, attributes and entities."""
    tag = st.sampled_from(TAGS)
    piece = st.one_of(
        text,
        tag.map(lambda t: f"<{t}>"),
        tag.map(lambda t: f"</{t}>"),
        st.sampled_from(["&amp;", "&nbsp;", "&#8217;", "&bogus;", "<", ">", "<a href='x'>"]),
    )
    return st.lists(piece, max_size=40).map("".join)


prose = st.lists(st.sampled_from(WORDS), min_size=1, max_size=12).map(lambda w: f" {' '.join(w)} ")


@settings(max_examples=EXAMPLES, deadline=None)
@given(markup(st.text(max_size=30)))
def test_clean_never_raises_on_arbitrary_html(html: str) -> None:
    cleaned = clean(html_entry(html, title=html[:50]))
    assert not any("cleaning failed" in w for w in cleaned.warnings)


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.text(max_size=300))
def test_clean_never_raises_on_arbitrary_plain_text(text: str) -> None:
    cleaned = clean(text_entry(text, title=text[:40], url=text[:60]))
    assert not any("cleaning failed" in w for w in cleaned.warnings)


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.text(max_size=300))
def test_clean_is_idempotent_on_plain_text(text: str) -> None:
    once = clean(text_entry(text)).text
    assert clean(text_entry(once)).text == once


@settings(max_examples=EXAMPLES, deadline=None)
@given(markup(prose))
def test_clean_is_idempotent_on_html_prose(html: str) -> None:
    once = clean(html_entry(html)).text
    assert clean(text_entry(once)).text == once


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.one_of(markup(st.text(max_size=30)), st.text(max_size=300)))
def test_output_is_bounded_by_input(raw: str) -> None:
    for entry in (html_entry(raw), text_entry(raw)):
        cleaned = clean(entry)
        assert len(cleaned.text) <= 4 * len(raw)
        assert len(cleaned.blocks) <= len(raw)
