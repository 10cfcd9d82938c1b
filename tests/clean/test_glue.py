"""Repair of glued plain text: spaces back where tag-stripping removed them, names kept."""

from __future__ import annotations

import pytest

from tests.clean.conftest import html_entry, text_entry
from worker.clean import clean


def text_of(plain: str) -> str:
    return clean(text_entry(plain)).text


def test_glued_sentences_get_a_space() -> None:
    assert text_of("Prices rose in May.Wages did not.") == "Prices rose in May. Wages did not."


def test_glued_comma_gets_a_space() -> None:
    assert text_of("However,the vote passed;nobody objected.") == (
        "However, the vote passed; nobody objected."
    )


def test_lowercase_sentence_glue_is_split_but_domains_are_not() -> None:
    assert text_of("Crowds gathered early.some stayed late, said bbc.com and example.org.") == (
        "Crowds gathered early. some stayed late, said bbc.com and example.org."
    )


def test_numbers_abbreviations_and_links_are_left_alone() -> None:
    plain = "It cost 1,250.50 dollars in the U.S.Then see https://a.example/x.Y?q=a,b now."
    assert text_of(plain) == plain


@pytest.mark.parametrize(
    "name", ["iPhone", "McDonald", "YouTube", "PlayStation", "eBay", "LinkedIn", "MacArthur"]
)
def test_mixed_case_names_are_never_split(name: str) -> None:
    plain = f"Sales of {name} rose.Analysts were surprised."
    assert text_of(plain) == f"Sales of {name} rose. Analysts were surprised."


def test_mixed_case_names_survive_inside_a_rebuilt_table() -> None:
    plain = "DeviceMakerPlayStation PortalSonyMacBook AirAppleYouTube TVGoogleFire TVAmazon"
    [table] = clean(text_entry(plain)).blocks
    assert table.rows == [
        ["Device", "Maker"],
        ["PlayStation Portal", "Sony"],
        ["MacBook Air", "Apple"],
        ["YouTube TV", "Google"],
        ["Fire TV", "Amazon"],
    ]


def test_glue_is_not_repaired_when_markup_is_present() -> None:
    assert clean(html_entry("<p>Prices rose in May.Wages did not.</p>")).text == (
        "Prices rose in May.Wages did not."
    )
