"""The sample feeds of config/samples, end to end through clean()."""

from __future__ import annotations

from dataclasses import replace

from worker.clean import clean
from worker.record import Entry


def test_autoblog_items_keep_table_list_and_lose_footer(autoblog: list[Entry]) -> None:
    for entry in autoblog:
        cleaned = clean(entry)
        kinds = {b.kind for b in cleaned.blocks}
        assert {"paragraph", "list_item", "table"} <= kinds, entry.title
        assert "Publish date" not in cleaned.text and "Copyright" not in cleaned.text
        table = next(b for b in cleaned.blocks if b.kind == "table")
        assert table.header is True


def test_autoblog_footer_fills_attribution(autoblog: list[Entry]) -> None:
    attribution = clean(autoblog[0]).attribution
    assert attribution.author == "Maria Okonkwo"
    assert attribution.published_at == "2025-04-02T09:15:00"
    assert attribution.source_url == (
        "https://www.reuters.com/markets/central-bank-holds-rates-"
        "as-inflation-eases-for-third-month-2025-04-02/"
    )


def test_autoblog_slug_gives_original_title_and_publisher(autoblog: list[Entry]) -> None:
    syndication = clean(autoblog[1]).syndication
    assert syndication.original_title == "Underdogs stun champions in rain-soaked cup semi-final"
    assert syndication.original_publisher == "theguardian.com"


def test_autoblog_glued_description_gets_its_list_back(autoblog: list[Entry]) -> None:
    cleaned = clean(replace(autoblog[2], content_html=None))
    items = [b.text for b in cleaned.blocks if b.kind == "list_item"]
    assert items[0].startswith("Vent Count: ")
    assert [i.split(":")[0] for i in items] == ["Vent Count", "Sample Haul", "Next Steps"]
    assert "Copyright" not in cleaned.text


def test_republished_item_cleans_to_identical_text(
    autoblog: list[Entry], republisher: list[Entry]
) -> None:
    [copy] = republisher
    assert copy.url != autoblog[0].url and copy.entry_key != autoblog[0].entry_key
    assert clean(copy).text == clean(autoblog[0]).text


def test_google_news_title_and_publisher(google_news: list[Entry]) -> None:
    cleaned = clean(google_news[0])
    assert cleaned.title == "Drought forces water rationing in three southern provinces"
    assert cleaned.attribution.publisher == "bbc.com"
    assert cleaned.syndication.is_syndicated is True
    assert cleaned.syndication.original_publisher == "bbc.com"


def test_google_news_teaser_repeating_the_headline_is_not_text(google_news: list[Entry]) -> None:
    assert all(clean(e).text == "" for e in google_news)


def test_atom_entries_clean_with_quote_and_ordered_list(atom: list[Entry]) -> None:
    cleaned = clean(atom[0])
    assert [b.kind for b in cleaned.blocks].count("list_item") == 3
    assert any(b.kind == "quote" for b in cleaned.blocks)
    assert "Continue reading" not in cleaned.text
    assert cleaned.attribution.publisher == "Reuters"


def test_atom_credit_line_and_tracking_parameters(atom: list[Entry]) -> None:
    cleaned = clean(atom[1])
    assert cleaned.attribution.publisher == "TechWire"
    assert "first appeared" not in cleaned.text
    assert "trackView" not in cleaned.text
