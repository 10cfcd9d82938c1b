from worker.classify import classify, text_fingerprint, warm_up
from worker.classify.topics import Taxonomy

from .builders import cleaned, entry

STORY = (
    "Shares in the carmaker fell sharply after it reported lower quarterly profits and "
    "warned investors that sales would slow. The chief executive said the firm would cut "
    "costs, and analysts expect the stock market to react again on Monday."
)


def test_an_english_business_story_is_labelled():
    labels = classify(cleaned(STORY, title="Carmaker profits fall"), entry())
    assert labels.language == "en"
    assert labels.topics[0].code == "medtop:04000000"


def test_the_text_hash_is_the_fingerprint_of_the_text():
    assert classify(cleaned(STORY), entry()).text_hash == text_fingerprint(STORY)


def test_a_title_only_item_is_fingerprinted_by_its_title():
    assert classify(cleaned("", title="Carmaker profits fall"), entry()).text_hash == (
        text_fingerprint("Carmaker profits fall")
    )


def test_the_countries_of_a_story_are_labelled():
    story = "Officials in Ottawa said Canadian exports to Mexico rose."
    assert {r.code for r in classify(cleaned(story), entry()).regions} == {"CA", "MX"}


def test_a_spun_english_item_is_flagged_with_evidence():
    text = STORY + " Buyers will go to to the local weather change summit."
    spin = classify(cleaned(text), entry()).spin
    assert spin.is_spun and spin.evidence


def test_spin_is_not_scored_for_other_languages():
    german = (
        "Die Aktien des Autobauers fielen deutlich, nachdem das Unternehmen niedrigere "
        "Quartalsgewinne gemeldet und die Anleger vor einem langsameren Absatz gewarnt hatte."
    )
    labels = classify(cleaned(german), entry())
    assert labels.language == "de" and labels.spin.score == 0.0


def test_a_failing_stage_costs_only_its_own_label(monkeypatch):
    def missing() -> Taxonomy:
        raise FileNotFoundError("config/taxonomy.toml")

    monkeypatch.setattr("worker.classify.default_taxonomy", missing)
    labels = classify(cleaned(STORY), entry())
    assert labels.topics == [] and labels.language == "en"


def test_warm_up_loads_everything_a_first_item_needs():
    warm_up()
    assert classify(cleaned(STORY), entry()).topics
