from worker.classify.anchors import tokenise
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
