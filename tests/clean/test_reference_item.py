"""The real spun autoblog item of shared/reference, read as a tag-stripped plain-text entry."""

from __future__ import annotations

import re

import pytest

from tests.clean.conftest import REFERENCE, text_entry
from worker.clean import clean
from worker.record import Block, Cleaned

SOURCE = (
    "https://europ.info/2025/03/16/ukraine/putin-makes-first-visit-to-kursk-since-"
    "ukraine-incursion-ahead-of-us-russia-talks-bbc-com/"
)


@pytest.fixture(scope="module")
def cleaned() -> Cleaned:
    path = REFERENCE / "sample-syndicated-item.txt"
    if not path.exists():
        pytest.skip("shared/reference is not beside the repository")
    title, _, body = path.read_text(encoding="utf-8").partition("\n")
    url = re.search(r"Source link : (\S+)", body)
    assert url is not None
    return clean(text_entry(body, title=title, url=url.group(1)))


def tables(cleaned: Cleaned) -> dict[str, Block]:
    return {" ".join(b.rows[0]): b for b in cleaned.blocks if b.kind == "table" and b.rows}


def test_footer_attribution_is_read(cleaned: Cleaned) -> None:
    assert cleaned.attribution.source_url == SOURCE
    assert cleaned.attribution.author == "William Inexperienced"
    assert cleaned.attribution.published_at == "2025-03-16T05:41:00"


def test_footer_is_gone_from_the_text(cleaned: Cleaned) -> None:
    assert "Source link" not in cleaned.text
    assert "Publish date" not in cleaned.text
    assert "Copyright for syndicated" not in cleaned.text
    assert cleaned.text.endswith("essential second in historical past.")


def test_original_title_and_publisher_come_from_the_slug(cleaned: Cleaned) -> None:
    assert cleaned.syndication.is_syndicated is True
    assert cleaned.syndication.original_title == (
        "Putin makes first visit to Kursk since Ukraine incursion ahead of US-Russia talks"
    )
    assert cleaned.syndication.original_publisher == "bbc.com"


def test_glued_labelled_items_become_list_items(cleaned: Cleaned) -> None:
    items = [b.text for b in cleaned.blocks if b.kind == "list_item"]
    labels = [i.split(":")[0] for i in items if ":" in i]
    assert labels[:3] == ["Army Presence", "Infrastructure Developments", "Public Messaging"]
    assert "Narrative Management" in labels and "Protracted Sanction Cycles" in labels
    assert not any(".Infrastructure" in b.text for b in cleaned.blocks)


def test_flattened_tables_are_rebuilt_with_header_rows(cleaned: Cleaned) -> None:
    found = tables(cleaned)
    assert found["Date Event Location"].rows == [
        ["Date", "Event", "Location"],
        ["Oct 3", "Military Coaching Exercises", "Kursk"],
        ["Oct 10", "Logistical Reinforcements", "Kursk Region"],
        ["Oct 15", "Public Rally Saying Help for Military", "Kursk"],
    ]
    assert [r[0] for r in found["country Potential Response"].rows] == [
        "country",
        "Belarus",
        "Ukraine",
        "Poland",
    ]
    assert found["Sentiment Percentage"].rows[1:] == [
        ["Supportive", "45percent"],
        ["Skeptical", "35percent"],
        ["Indifferent", "20%"],
    ]
    assert all(t.header for t in found.values())


def test_tables_glued_after_list_items_are_rebuilt(cleaned: Cleaned) -> None:
    found = tables(cleaned)
    assert len(found["Factor Implication"].rows) == 4
    assert found["Motion item Description Expected Outcome"].rows[1][0] == "Strengthen Diplomacy"


def test_glued_sentences_and_commas_get_their_space(cleaned: Cleaned) -> None:
    assert "Conversely, there’s" in cleaned.text
    assert "pressures. some supporters" in cleaned.text
