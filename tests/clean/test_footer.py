"""The WP-Automatic attribution footer, in its spun variants, read and removed."""

from __future__ import annotations

import pytest

from tests.clean.conftest import html_entry, text_entry
from worker.clean import clean

STORY = "<p>The harbour reopened on Tuesday after a week of repairs.</p>"
URL = "https://news.example.com/2025/05/01/harbour-reopens-after-repairs"


@pytest.mark.parametrize(
    ("source", "author", "content"),
    [
        ("Source link", "Author", "content"),
        ("Supply hyperlink", "Writer", "content material"),
        ("Source hyperlink", "Creator", "content material"),
        ("Supply link", "Author", "content"),
    ],
)
def test_spun_footer_variants_are_read_and_removed(source: str, author: str, content: str) -> None:
    footer = (
        f"<p>{source} : {URL}<br />{author} : Nadia Ferreira<br />"
        f"Publish date : 2025-05-01 07:30:00<br />"
        f"Copyright for syndicated {content} belongs to the linked Source.</p>"
    )
    cleaned = clean(html_entry(STORY + footer))
    assert cleaned.text == "The harbour reopened on Tuesday after a week of repairs."
    assert cleaned.attribution.source_url == URL
    assert cleaned.attribution.author == "Nadia Ferreira"
    assert cleaned.attribution.published_at == "2025-05-01T07:30:00"


def test_source_link_given_as_an_anchor_uses_its_href() -> None:
    footer = (
        f'<p><a href="{URL}?utm_source=rss&amp;id=7">Source link</a></p>'
        "<p>Copyright for syndicated content belongs to the linked Source.</p>"
    )
    cleaned = clean(html_entry(STORY + footer))
    assert cleaned.attribution.source_url == URL + "?id=7"
    assert cleaned.text == "The harbour reopened on Tuesday after a week of repairs."


def test_footer_glued_to_the_story_in_stripped_text_is_cut_off() -> None:
    text = (
        f"The harbour reopened after repairs.Source link : {URL}Creator : Nadia Ferreira"
        "Publish date : 2025-05-01 07:30:00Copyright for syndicated content material "
        "belongs to the linked Source."
    )
    cleaned = clean(text_entry(text))
    assert cleaned.text == "The harbour reopened after repairs."
    assert cleaned.attribution.source_url == URL
    assert cleaned.attribution.author == "Nadia Ferreira"
    assert cleaned.attribution.published_at == "2025-05-01T07:30:00"


def test_a_lone_author_line_in_a_story_is_not_a_footer() -> None:
    html = "<p>The minister spoke.</p><p>Author: a retired judge, writing in 1998.</p>"
    cleaned = clean(html_entry(html))
    assert cleaned.text.endswith("Author: a retired judge, writing in 1998.")
    assert cleaned.attribution.author is None


def test_footer_marks_the_item_syndicated_with_its_source_as_canonical() -> None:
    footer = f"<p>Source link : {URL}<br />Author : Nadia Ferreira</p>"
    syndication = clean(html_entry(STORY + footer, url="https://autoblog.example/p/1")).syndication
    assert syndication.is_syndicated is True
    assert syndication.canonical_url == URL


def test_dc_creator_is_the_fallback_author() -> None:
    assert clean(html_entry(STORY, author="Desk Editor")).attribution.author == "Desk Editor"


def test_footer_author_wins_over_dc_creator() -> None:
    footer = f"<p>Source link : {URL}<br />Writer : Nadia Ferreira</p>"
    assert clean(html_entry(STORY + footer, author="admin")).attribution.author == "Nadia Ferreira"
