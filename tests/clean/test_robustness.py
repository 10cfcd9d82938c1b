"""clean() is total: bad input and internal failures become warnings, never exceptions."""

from __future__ import annotations

import pytest

from tests.clean.conftest import html_entry, text_entry
from worker.clean import CleanRules, clean
from worker.record import Entry


def test_parse_failure_falls_back_to_tag_stripped_text(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("parser bug")

    monkeypatch.setattr("worker.clean.pipeline.extract", broken)
    cleaned = clean(html_entry("<p>Ferries resumed.</p><p>Roads reopened.</p>"))
    assert cleaned.text == "Ferries resumed.\n\nRoads reopened."
    assert any("HTML parse failed" in w for w in cleaned.warnings)


def test_any_stage_failure_still_returns_the_text(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise ValueError("stage bug")

    monkeypatch.setattr("worker.clean.pipeline.strip_footer", broken)
    cleaned = clean(html_entry("<p>Ferries resumed.</p>", title="Ferries"))
    assert (cleaned.title, cleaned.text) == ("Ferries", "Ferries resumed.")
    assert any("cleaning failed" in w and "stage bug" in w for w in cleaned.warnings)


def test_an_entry_with_nothing_in_it_cleans_to_empty_text() -> None:
    cleaned = clean(Entry(feed="f", entry_key="k", content_hash=""))
    assert (cleaned.title, cleaned.text, cleaned.blocks) == ("", "", [])
    assert cleaned.warnings == ["no text left after cleaning"]


def test_block_limit_truncates_with_a_warning() -> None:
    rules = CleanRules(max_blocks=3)
    cleaned = clean(html_entry("".join(f"<p>Line {i}.</p>" for i in range(10))), rules)
    assert len(cleaned.blocks) == 3
    assert any("truncated" in w for w in cleaned.warnings)


def test_a_huge_glued_paragraph_is_handled_in_bounded_time() -> None:
    plain = "AbcDef.GhiJkl," * 20_000
    cleaned = clean(text_entry(plain))
    assert cleaned.blocks


def test_deeply_nested_markup_keeps_its_text() -> None:
    html = "<div>" * 5_000 + "Deep text." + "</div>" * 5_000
    assert clean(html_entry(html)).text == "Deep text."


def test_malformed_urls_do_not_break_cleaning() -> None:
    footer = "<p>Source link : http://[broken/a-b-c-d<br>Author : Kim</p>"
    cleaned = clean(html_entry("<p>Story.</p>" + footer, url="http://[bad", source_url="::"))
    assert cleaned.text == "Story."
    assert not any("cleaning failed" in w for w in cleaned.warnings)
