from tests.classify.stories import HARBOUR, ORCHARD, spin
from worker.classify.alignment import align


def test_a_spun_copy_aligns_with_its_original():
    assert align(HARBOUR, spin(HARBOUR)).is_copy


def test_each_swap_is_reported_as_found_and_likely_original():
    swaps = {(e.found, e.likely) for e in align(HARBOUR, spin(HARBOUR)).substitutions}
    assert {("stated", "said"), ("individuals", "people")} <= swaps


def test_a_different_story_does_not_align():
    assert not align(HARBOUR, ORCHARD).is_copy


def test_a_changed_figure_is_an_edit_not_spin_evidence():
    assert align(HARBOUR, HARBOUR.replace("38 million", "41 million")).substitutions == []


def test_a_story_that_keeps_the_names_but_is_rewritten_does_not_align():
    rewrite = (
        "Halvorsen bridge: Ingrid Lindqvist and Pål Sandvik disagree. Brekke Marine "
        "refuses to comment on Voksen, and nobody expects anything before 2021 is "
        "forgotten; 14 cables, 38 million euros, and no end in sight for anyone here."
    )
    assert not align(HARBOUR, rewrite).is_copy


def test_an_exact_copy_aligns_fully_with_no_swaps():
    alignment = align(HARBOUR, HARBOUR.upper())
    assert (alignment.is_copy, alignment.explained, alignment.substitutions) == (True, 1.0, [])
