"""Credit lines and datelines other than the template footer."""

from __future__ import annotations

from tests.clean.conftest import html_entry
from worker.clean import clean


def test_originally_published_line_gives_source_and_is_removed() -> None:
    html = (
        "<p>Wind farms delivered a record share.</p>"
        "<p>Originally published at https://energy.example.org/records/wind-share-2025</p>"
    )
    cleaned = clean(html_entry(html))
    assert cleaned.text == "Wind farms delivered a record share."
    assert cleaned.attribution.source_url == "https://energy.example.org/records/wind-share-2025"
    assert cleaned.attribution.publisher == "energy.example.org"


def test_first_appeared_on_line_names_the_linked_publisher() -> None:
    html = (
        "<p>Wind farms delivered a record share.</p><p>This article first appeared on "
        '<a href="https://www.gridwatch.example/wind">GridWatch</a>.</p>'
    )
    cleaned = clean(html_entry(html))
    assert cleaned.text == "Wind farms delivered a record share."
    assert cleaned.attribution.publisher == "GridWatch"
    assert cleaned.attribution.source_url == "https://www.gridwatch.example/wind"


def test_wire_dateline_names_the_publisher_and_stays_in_the_text() -> None:
    html = "<p>NAIROBI (Reuters) - Kenya's central bank cut rates on Tuesday.</p>"
    cleaned = clean(html_entry(html, url="https://autoblog.example/p/9"))
    assert cleaned.attribution.publisher == "Reuters"
    assert cleaned.text.startswith("NAIROBI (Reuters) - ")
    assert cleaned.syndication.is_syndicated is True


def test_own_publisher_dateline_is_not_syndication() -> None:
    html = "<p>NAIROBI (Reuters) - Kenya's central bank cut rates on Tuesday.</p>"
    cleaned = clean(html_entry(html, url="https://www.reuters.com/markets/kenya-cut"))
    assert cleaned.syndication.is_syndicated is False
