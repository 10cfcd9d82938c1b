"""Lists and tables rebuilt from tag-stripped text, only when the shape is unmistakable."""

from __future__ import annotations

from tests.clean.conftest import html_entry, text_entry
from worker.clean import clean
from worker.record import Block


def blocks_of(plain: str) -> list[Block]:
    return clean(text_entry(plain)).blocks


def test_labelled_items_glued_to_each_other_become_list_items() -> None:
    plain = (
        "Flood Defences: Barriers were raised overnight.Power Supply: Two substations "
        "failed.School Closures: Forty schools stayed shut."
    )
    assert [(b.kind, b.text) for b in blocks_of(plain)] == [
        ("list_item", "Flood Defences: Barriers were raised overnight."),
        ("list_item", "Power Supply: Two substations failed."),
        ("list_item", "School Closures: Forty schools stayed shut."),
    ]


def test_intro_sentence_before_labelled_items_stays_a_paragraph() -> None:
    plain = "The council listed its plans.Flood Defences: Raised.Power Supply: Restored."
    assert [b.kind for b in blocks_of(plain)] == ["paragraph", "list_item", "list_item"]


def test_glued_sentences_after_a_colon_line_become_list_items() -> None:
    plain = "Residents were told to:\nBoil tap water.Avoid the river paths.Report damage online."
    assert [(b.kind, b.text) for b in blocks_of(plain)] == [
        ("paragraph", "Residents were told to:"),
        ("list_item", "Boil tap water."),
        ("list_item", "Avoid the river paths."),
        ("list_item", "Report damage online."),
    ]


def test_a_single_label_is_just_a_paragraph() -> None:
    plain = "Update: the bridge reopened.Traffic is light."
    assert [b.kind for b in blocks_of(plain)] == ["paragraph"]


def test_flattened_table_is_rebuilt_with_a_header_row() -> None:
    plain = "CityForecastHighLyonHeavy rain14CNiceSunny spells21CBrestStrong wind11C"
    [table] = blocks_of(plain)
    assert table.kind == "table" and table.header is True
    assert table.rows == [
        ["City", "Forecast", "High"],
        ["Lyon", "Heavy rain", "14C"],
        ["Nice", "Sunny spells", "21C"],
        ["Brest", "Strong wind", "11C"],
    ]
    assert table.text.splitlines()[1] == "| Lyon | Heavy rain | 14C |"


def test_table_glued_after_labelled_items_is_split_off() -> None:
    plain = (
        "Flood Defences: Raised overnight.Power Supply: Restored by noon."
        "AreaStatusNorthOpenSouthClosedHarbourPartly open"
    )
    kinds = [b.kind for b in blocks_of(plain)]
    assert kinds == ["list_item", "list_item", "table"]


def test_run_together_numbers_are_left_alone_rather_than_guessed() -> None:
    plain = "QuarterInflationGrowthQ2 20253.1%0.3%Q3 20252.8%0.4%"
    [block] = blocks_of(plain)
    assert block.kind == "paragraph"


def test_ordinary_prose_with_names_is_not_a_table() -> None:
    plain = "McDonald and YouTube met in Paris.Talks on the PlayStation deal ended."
    assert [b.kind for b in blocks_of(plain)] == ["paragraph"]


def test_markup_is_trusted_and_never_restructured() -> None:
    html = "<p>Flood Defences: Raised.Power Supply: Restored.</p>"
    assert [b.kind for b in clean(html_entry(html)).blocks] == ["paragraph"]
