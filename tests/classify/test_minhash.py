import numpy as np

from tests.classify.stories import HARBOUR, ORCHARD
from worker.classify.minhash import LshScheme, shingle_hashes, similarity, word_hashes

SCHEME = LshScheme(bands=16, rows=4)


def signature(text: str):
    return SCHEME.signature(shingle_hashes(word_hashes(text), 5))


def test_word_hashes_ignore_case_and_punctuation():
    assert np.array_equal(word_hashes("The mayor’s plan!"), word_hashes("the  mayor's\nplan"))


def test_word_hashes_are_the_same_in_every_process_and_version():
    # Workers on other machines must make the same index keys: these values are fixed.
    assert word_hashes("harbour bridge").tolist() == [10179540231472046960, 6683822536419810437]


def test_a_lightly_edited_text_has_a_similar_signature():
    assert similarity(signature(HARBOUR), signature(HARBOUR.replace("March", "April"))) > 0.8


def test_unrelated_texts_have_dissimilar_signatures():
    assert similarity(signature(HARBOUR), signature(ORCHARD)) < 0.1


def test_equal_signatures_give_equal_band_values():
    assert SCHEME.band_values(signature(HARBOUR)) == SCHEME.band_values(signature(HARBOUR))


def test_a_text_without_words_has_an_empty_signature_and_no_bands():
    assert SCHEME.band_values(signature("...")) == b""
