"""Titles: the Google News " - publisher" suffix is removed and becomes the publisher."""

from __future__ import annotations

from tests.clean.conftest import html_entry
from worker.clean import clean


def test_domain_suffix_is_removed_and_named_publisher() -> None:
    cleaned = clean(html_entry("<p>x</p>", title="Floods close schools - bbc.com"))
    assert (cleaned.title, cleaned.attribution.publisher) == ("Floods close schools", "bbc.com")


def test_suffix_matching_the_source_title_is_removed() -> None:
    entry = html_entry(
        "<p>x</p>",
        title="Floods close schools - BBC News",
        source_title="BBC News",
        source_url="https://www.bbc.com",
    )
    cleaned = clean(entry)
    assert (cleaned.title, cleaned.attribution.publisher) == ("Floods close schools", "BBC News")


def test_a_dash_inside_a_headline_is_kept() -> None:
    cleaned = clean(html_entry("<p>x</p>", title="Ceasefire - what we know so far"))
    assert cleaned.title == "Ceasefire - what we know so far"
    assert cleaned.attribution.publisher is None


def test_only_the_last_suffix_is_removed() -> None:
    cleaned = clean(html_entry("<p>x</p>", title="Rates - the view from Tokyo - ft.com"))
    assert cleaned.title == "Rates - the view from Tokyo"
