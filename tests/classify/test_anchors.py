import numpy as np

from worker.classify.anchors import RARE_BELOW, tokenise, zipf_of
from worker.classify.frequency import frequencies, zipf
from worker.classify.minhash import word_hashes


def anchors(text: str) -> list[int]:
    return tokenise(text).anchors.tolist()


def hashes(text: str) -> list[int]:
    return word_hashes(text).tolist()


def test_names_numbers_and_rare_words_are_anchors():
    text = "Officials said Lindqvist paid 38 million for the corroded cables."
    assert anchors(text) == hashes("Lindqvist 38 corroded")


def test_a_capitalised_word_that_starts_a_sentence_is_no_anchor():
    assert anchors("The bridge opened. Engineers cheered: Workers left.") == []


def test_very_common_capitalised_words_are_no_anchors():
    assert anchors("Then I said that The plan failed") == []


def test_every_word_is_hashed_in_order():
    assert tokenise("Rates rise, again.").words.tolist() == hashes("rates rise again")


def test_the_zipf_table_finds_every_common_word_and_no_other():
    vocabulary = [w for w, f in frequencies().items() if zipf(w) >= RARE_BELOW and w.isalpha()]
    found = zipf_of(word_hashes(" ".join(vocabulary)))
    expected = np.array([zipf(w) for w in vocabulary], dtype=np.float32)
    assert np.array_equal(found, expected)
    assert zipf_of(word_hashes("zqxjv vbnmqz Lindqvist")).tolist() == [0, 0, 0]
