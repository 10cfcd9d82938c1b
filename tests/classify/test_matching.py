import pytest

from worker.classify.matching import PhraseMatcher, to_words


def test_phrases_match_whole_words_only():
    matcher = PhraseMatcher({"war": 1})
    assert [m.key for m in matcher.find("Software wars, a war, warfare.")] == ["war"]


def test_match_offsets_point_into_the_original_text():
    text = "Talks in New York, then Oslo."
    [match] = PhraseMatcher({"new york": 1}).find(text)
    assert text[match.start : match.end] == "New York"


def test_punctuation_separates_words_on_both_sides():
    assert [m.key for m in PhraseMatcher({"U.S.": 1}).find("the u.s. economy")] == ["u s"]


def test_case_folding_can_be_turned_off():
    matcher = PhraseMatcher({"Most": 1}, fold_case=False)
    assert [m.start for m in matcher.find("most people live in Most")] == [20]


def test_keys_reports_every_occurrence_and_payload_looks_it_up():
    matcher = PhraseMatcher({"Rate": "r"})
    assert matcher.keys("Rate up, rate down") == ["rate"] * 2
    assert matcher.payload("rate") == "r"


@pytest.mark.parametrize(
    "text",
    ["plain ASCII, with punctuation!", "“Curly” quotes — and £5, café’s naïve İstanbul", "\ud800x"],
)
def test_every_character_but_letters_digits_and_apostrophes_becomes_a_space(text):
    expected = "".join(c if c.isalnum() else "'" if c in "'’" else " " for c in text)
    assert to_words(text, apostrophes=True) == expected
    assert to_words(text) == expected.replace("'", " ")
