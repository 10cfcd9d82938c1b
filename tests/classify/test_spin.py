from pathlib import Path

import pytest

from worker.classify.frequency import zipf
from worker.classify.spin import (
    UNUSUAL_BELOW,
    UNUSUAL_CAP,
    _total_shortfall,
    score_spin,
    spin_signals,
)

ORIGINAL = (
    "The minister said on Monday that the government would review the plan after "
    "officials found that the new rules had cost local firms more than expected. "
    "People in the region have asked for help since the first floods last year."
)
# The same text through a synonym spinner: every occurrence of a head word replaced.
SPUN = (
    "The minister acknowledged on Monday that the authorities would assessment the "
    "scheme after officers discovered that the brand new guidelines had value native "
    "companies greater than anticipated. Individuals within the area have requested for "
    "assist since the preliminary floods final yr."
)
SAMPLE = Path(__file__).resolve().parents[3] / "shared" / "reference" / "sample-syndicated-item.txt"


def test_plain_news_text_is_not_spun():
    assert not score_spin("", ORIGINAL).is_spun


def test_spun_text_carries_a_higher_unusual_word_load_than_its_original():
    assert spin_signals("", SPUN).unusual_load > spin_signals("", ORIGINAL).unusual_load


def test_spinner_collocations_are_evidence_with_the_likely_original():
    spin = score_spin("", "The share of local weather change content material grew.")
    assert [(e.found, e.likely) for e in spin.evidence] == [
        ("local weather change", "climate change"),
        ("content material", "content"),
    ]


def test_one_spinner_collocation_is_enough_to_call_an_item_spun():
    assert score_spin("", ORIGINAL + " It said america would go to to Rome.").is_spun


def test_a_spinner_word_whose_original_never_appears_is_evidence():
    long_text = " ".join([ORIGINAL.replace(" said ", " stated ")] * 6)
    assert ("stated", "said") in [(e.found, e.likely) for e in score_spin("", long_text).evidence]


def test_a_spinner_word_next_to_its_original_is_ordinary_english():
    long_text = " ".join([ORIGINAL.replace(" said ", " stated ")] * 5 + [ORIGINAL])
    assert score_spin("", long_text).evidence == []


def test_a_lower_case_only_pattern_ignores_the_proper_spelling():
    assert score_spin("", "Trade with America grew last year.").evidence == []


def test_word_swaps_against_the_original_title_are_evidence():
    spin = score_spin(
        "Army coaching steps up near border",
        ORIGINAL,
        original_title="Military training steps up near border",
    )
    assert [(e.found, e.likely) for e in spin.evidence][:2] == [
        ("army", "military"),
        ("coaching", "training"),
    ]


def test_a_rewritten_headline_is_not_taken_for_swaps():
    assert spin_signals("Storm hits coast", ORIGINAL, "Minister reviews rules").title_swaps == []


def test_names_and_sentence_starts_do_not_count_as_unusual_words():
    rare = spin_signals("", "Zyglowski met Okonkwo and Vantongeren in Szczecin.")
    common = spin_signals("", "Smith met Jones and Brown in London.")
    assert rare.unusual_load == common.unusual_load


@pytest.mark.skipif(not SAMPLE.exists(), reason="shared/reference not checked out")
def test_the_reference_syndicated_item_is_spun():
    title, _, text = SAMPLE.read_text(encoding="utf-8").partition("\n")
    assert score_spin(title, text).is_spun


def test_each_word_adds_its_capped_zipf_shortfall():
    words = ["the", "stated", "corroded", "qwzxv", "o'neill"]  # common, less so, rare, unknown
    expected = sum(min(UNUSUAL_CAP, max(0.0, UNUSUAL_BELOW - zipf(w))) for w in words)
    assert _total_shortfall(words) == pytest.approx(expected)
