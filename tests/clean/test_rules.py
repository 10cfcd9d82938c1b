"""Rules from TOML: limits, extra boilerplate, per-host selectors and patterns."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.clean.conftest import REPO, html_entry, text_entry
from worker.clean import CleanRules, clean

RULES = """
[limits]
max_html_bytes = 5_000

[boilerplate]
patterns = ['^Listen to this article$']

[glue]
keep_mixed_case = ["QuantaCore"]

[hosts."news.example.com"]
drop_selectors = [".promo", "aside.related"]
drop_patterns = ['^Watch live:.*$']
"""


@pytest.fixture
def rules(tmp_path: Path) -> CleanRules:
    path = tmp_path / "cleaning.toml"
    path.write_text(RULES, encoding="utf-8")
    return CleanRules.load(path)


def test_host_selectors_and_patterns_apply_to_that_host_and_its_subdomains(
    rules: CleanRules,
) -> None:
    html = (
        "<p>Story.</p><div class='promo'>Buy now</div><aside class='related'>More</aside>"
        "<p>Watch live: the final</p>"
    )
    entry = html_entry(html, url="https://www.news.example.com/a/1")
    assert clean(entry, rules).text == "Story."


def test_host_rules_do_not_apply_to_other_hosts(rules: CleanRules) -> None:
    entry = html_entry("<p>Story.</p><div class='promo'>Buy now</div>", url="https://b.example/")
    assert clean(entry, rules).text == "Story.\n\nBuy now"


def test_extra_boilerplate_patterns_apply_everywhere(rules: CleanRules) -> None:
    assert clean(html_entry("<p>Story.</p><p>Listen to this article</p>"), rules).text == "Story."


def test_configured_mixed_case_words_are_kept_whole(rules: CleanRules) -> None:
    plain = "ChipVendorQuantaCore X1AcmeNova 7Bolt"
    assert clean(text_entry(plain), rules).blocks[0].rows == [
        ["Chip", "Vendor"],
        ["QuantaCore X1", "Acme"],
        ["Nova 7", "Bolt"],
    ]


def test_oversize_input_is_truncated_with_a_warning(rules: CleanRules) -> None:
    cleaned = clean(html_entry("<p>" + "word " * 2_000 + "</p>"), rules)
    assert len(cleaned.text) < 5_000
    assert any("truncated" in w for w in cleaned.warnings)


def test_unknown_keys_are_rejected(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('[hosts."a.example"]\ndrop_selector = [".x"]\n', encoding="utf-8")
    with pytest.raises(ValueError, match="unknown keys"):
        CleanRules.load(path)


def test_bad_css_selectors_are_rejected_at_load(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('[hosts."a.example"]\ndrop_selectors = ["div[["]\n', encoding="utf-8")
    with pytest.raises(ValueError, match="bad CSS selector"):
        CleanRules.load(path)


def test_shipped_rules_file_loads() -> None:
    rules = CleanRules.load(REPO / "config" / "cleaning.toml")
    assert rules.for_url("https://dailywirehub.example/x").drop_selectors
