from worker.classify.language import detect_language

ENGLISH = (
    "The city council voted on Tuesday to extend the night bus service after commuters "
    "complained that the last trains leave far too early."
)
GERMAN = (
    "Der Stadtrat hat am Dienstag beschlossen, den Nachtbus zu verlängern, nachdem sich "
    "Pendler über die frühen letzten Züge beschwert hatten."
)


def test_english_text_is_english():
    assert detect_language(ENGLISH).code == "en"


def test_german_text_is_german():
    assert detect_language(GERMAN).code == "de"


def test_confidence_is_reported_for_callers():
    assert detect_language(ENGLISH).confidence > 0.9


def test_short_text_gets_no_code():
    assert detect_language("Hello").code is None


def test_low_confidence_gets_no_code_but_keeps_the_best_guess():
    guess = detect_language(ENGLISH, min_confidence=1.01)
    assert (guess.code, guess.best) == (None, "en")
