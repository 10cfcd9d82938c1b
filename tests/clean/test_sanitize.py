"""Character and link hygiene: mojibake, invisible characters, tracking parameters."""

from __future__ import annotations

from tests.clean.conftest import html_entry, text_entry
from worker.clean import clean
from worker.clean.sanitize import cap_bytes, strip_tracking


def test_double_encoded_utf8_is_repaired_in_html() -> None:
    html = "<p>The minister\u00e2\u20ac\u2122s caf\u00c3\u00a9 visit</p>"
    assert clean(html_entry(html)).text == "The minister\u2019s caf\u00e9 visit"


def test_double_encoded_utf8_is_repaired_in_plain_text() -> None:
    assert clean(text_entry("Z\u00c3\u00bcrich talks")).text == "Z\u00fcrich talks"


def test_correct_accents_and_curly_quotes_are_untouched() -> None:
    text = "\u201cDéjà vu\u201d in São Paulo \u2014 Ærøskøbing"
    assert clean(text_entry(text)).text == text


def test_control_characters_and_soft_hyphens_are_removed() -> None:
    assert clean(text_entry("gov\u00adern\x07ment\u200b plan")).text == "govern ment plan"


def test_tracking_parameters_are_stripped_from_links() -> None:
    url = "https://a.example/story?id=4&utm_source=rss&utm_medium=feed&fbclid=x&gclid=y&mc_cid=z"
    assert strip_tracking(url) == "https://a.example/story?id=4"


def test_link_without_query_is_unchanged() -> None:
    assert strip_tracking("https://a.example/story/") == "https://a.example/story/"


def test_cap_bytes_cuts_on_a_character_boundary() -> None:
    text, cut = cap_bytes("é" * 10, 5)
    assert (text, cut) == ("éé", True)


def test_accent_split_by_an_invisible_character_is_composed() -> None:
    assert clean(text_entry("Cafe\u200b\u0301 open")).text == "Caf\u00e9 open"
