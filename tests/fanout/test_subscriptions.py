"""Subscription filters, one behaviour each, and reloading the file on change."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.factories import record
from worker.fanout.subscriptions import SubscriptionsFile, parse_subscription
from worker.record import Region, Spin, Topic

ECONOMY = Topic("medtop:04000000", "economy", 0.8, ["bank"])


def item(**changes):
    r = record("a", text="The central bank held rates. Growth slowed in France.")
    for name, value in changes.items():
        setattr(r, name, value)
    return r


def matches(filters: dict, **changes) -> bool:
    return parse_subscription("s", {"filters": filters}).matches(item(**changes))


def test_no_filters_take_everything() -> None:
    assert matches({})


def test_a_topic_filter_needs_one_of_its_topics() -> None:
    assert matches({"topics": ["medtop:04000000"]}, topics=[ECONOMY])
    assert not matches({"topics": ["medtop:15000000"]}, topics=[ECONOMY])


def test_a_minimum_topic_score_drops_weak_labels() -> None:
    weak = Topic("medtop:04000000", "economy", 0.2, [])
    assert not matches({"topics": ["medtop:04000000"], "min_topic_score": 0.5}, topics=[weak])


def test_regions_and_languages_filter() -> None:
    france = [Region("France", "FR", 0.9)]
    assert matches({"regions": ["FR"], "languages": ["en"]}, regions=france)
    assert not matches({"languages": ["de"]}, regions=france)


def test_keywords_match_case_insensitively_and_patterns_as_regexes() -> None:
    assert matches({"keywords": ["CENTRAL BANK"]})
    assert matches({"patterns": [r"\bGrowth slowed\b"]})
    assert not matches({"keywords": ["football"], "patterns": [r"\d{4}"]})


def test_spin_can_be_excluded_or_required() -> None:
    spun = Spin(0.9, True, [])
    assert not matches({"spin": "exclude"}, spin=spun)
    assert matches({"spin": "only"}, spin=spun)
    assert not matches({"spin": "only"})


def test_duplicates_can_be_excluded_or_required() -> None:
    assert not matches({"duplicates": "exclude"}, duplicate_of="x" * 32)
    assert matches({"duplicates": "only"}, duplicate_of="x" * 32)


def test_an_invalid_mode_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match=r"filters\.spin must be one of"):
        parse_subscription("s", {"filters": {"spin": "maybe"}})


def test_a_webhook_without_a_secret_is_refused() -> None:
    with pytest.raises(ValueError, match="needs a url and a secret"):
        parse_subscription("s", {"webhook": {"url": "https://h.example/x"}})


def test_secrets_do_not_appear_in_the_repr() -> None:
    sub = parse_subscription("s", {"webhook": {"url": "https://h.example", "secret": "whsec_abc"}})
    assert "whsec_abc" not in repr(sub)


def test_the_file_is_reloaded_when_it_changes(tmp_path: Path) -> None:
    path = tmp_path / "subs.toml"
    path.write_text("[subscriptions.first]\n")
    subs = SubscriptionsFile(path)
    assert [s.name for s in subs.current().items] == ["first"]

    path.write_text("[subscriptions.second]\nstream = true\n")
    os.utime(path, ns=(1, 2_000_000_000_000_000_000))

    assert [s.name for s in subs.current().items] == ["second"]


def test_a_broken_edit_keeps_the_previous_subscriptions(tmp_path: Path) -> None:
    path = tmp_path / "subs.toml"
    path.write_text("[subscriptions.first]\n")
    subs = SubscriptionsFile(path)
    subs.current()

    path.write_text("[subscriptions.bad]\nfilters = { spin = 'sometimes' }\n")
    os.utime(path, ns=(1, 2_000_000_000_000_000_000))

    assert [s.name for s in subs.current().items] == ["first"]
