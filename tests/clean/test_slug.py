"""The original headline and publisher recovered from an autoblog link's slug."""

from __future__ import annotations

from tests.clean.conftest import html_entry
from worker.clean import clean
from worker.clean.slug import parse_slug

BODY = (
    "<p>Chancellor Olaf Brandt met EU-China envoys in Brussels on Monday.</p>"
    "<p>The talks with Brandt lasted four hours.</p>"
)


def test_publisher_suffix_becomes_a_domain() -> None:
    assert parse_slug("https://blog.example/2025/05/brandt-meets-envoys-in-brussels-bbc-com/") == (
        ["brandt", "meets", "envoys", "in", "brussels"],
        "bbc.com",
    )


def test_country_second_level_suffix_is_kept_whole() -> None:
    assert parse_slug("https://blog.example/brandt-meets-envoys-in-brussels-bbc-co-uk")[1] == (
        "bbc.co.uk"
    )


def test_opaque_links_have_no_slug() -> None:
    assert parse_slug("https://news.google.com/rss/articles/CBMiWkFVX3lxTE5x?oc=5") == ([], None)


def test_trailing_ids_and_dates_are_not_headline_words() -> None:
    assert parse_slug("https://a.example/brandt-meets-envoys-in-brussels-2025-05-12")[0][-1] == (
        "brussels"
    )


def test_spun_title_gets_the_original_back_with_names_cased_from_the_story() -> None:
    url = "https://blog.example/2025/05/brandt-meets-eu-china-envoys-in-brussels-dw-com/"
    entry = html_entry(BODY, url=url, title="Brandt Satisfies EU-China Emissaries in Brussels")
    syndication = clean(entry).syndication
    assert syndication.original_title == "Brandt meets EU-China envoys in Brussels"
    assert syndication.original_publisher == "dw.com"


def test_slug_matching_the_title_gives_no_original_title() -> None:
    url = "https://blog.example/brandt-meets-envoys-in-brussels/"
    entry = html_entry(BODY, url=url, title="Brandt meets envoys in Brussels on Monday")
    assert clean(entry).syndication.original_title is None
