"""The optional topic model: trained from JSON lines, blended with the rules."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from worker.classify import model
from worker.classify.topics import default_taxonomy
from worker.cli import main
from worker.record import Topic

SPORT, ECONOMY = "medtop:15000000", "medtop:04000000"
LINES = [
    {"text": f"the striker scored a late goal in the cup final {n}", "topics": [SPORT]}
    for n in range(6)
] + [
    {"text": f"the central bank raised interest rates to curb inflation {n}", "topics": [ECONOMY]}
    for n in range(6)
]


def test_a_topic_the_rules_missed_is_added_when_the_model_is_confident():
    [topic] = model.blend([], {SPORT: 0.9}, default_taxonomy())
    assert (topic.code, topic.score, topic.terms) == (SPORT, 0.45, ["model"])


def test_a_rule_topic_the_model_doubts_keeps_its_terms_at_a_blended_score():
    rule = Topic(code=SPORT, label="sport", score=0.8, terms=["goal"])
    [topic] = model.blend([rule], {SPORT: 0.2}, default_taxonomy())
    assert (topic.score, topic.terms) == (0.5, ["goal"])


def test_a_topic_below_the_threshold_after_blending_is_dropped():
    rule = Topic(code=SPORT, label="sport", score=0.35, terms=["goal"])
    assert model.blend([rule], {SPORT: 0.0}, default_taxonomy()) == []


def test_labelled_lines_without_topics_are_skipped(tmp_path: Path):
    path = tmp_path / "labelled.jsonl"
    path.write_text('{"text": "a", "topics": ["x"]}\n{"text": "b", "topics": []}\n\n')
    assert model.read_labelled(path) == [("a", ["x"])]


def test_no_trained_model_means_none(tmp_path: Path):
    assert model.load(tmp_path) is None


def test_ingest_classifier_train_saves_a_model_that_predicts(tmp_path: Path, monkeypatch):
    pytest.importorskip("sklearn")
    labelled = tmp_path / "labelled.jsonl"
    labelled.write_text("\n".join(json.dumps(line) for line in LINES))
    monkeypatch.setenv("INGEST_DATA_DIR", str(tmp_path / "var"))
    result = CliRunner().invoke(main, ["classifier", "train", str(labelled)])
    assert result.exit_code == 0, result.output
    trained = model.load((tmp_path / "var").resolve())
    scores = model.probabilities(trained, "a goal for the striker in the final")
    assert scores[SPORT] > scores[ECONOMY]
