from py3langid.langid import MODEL_FILE, LanguageIdentifier

from worker.classify.language import detect_language, identifier

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


def test_the_numpy_feature_count_gives_py3langid_s_own_answers():
    library = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    texts = [ENGLISH, GERMAN, "", "1", "ОК", "市议会批准了新的预算。", "Ünïcödé “quotes” — dashes…"]
    assert [identifier().classify(t) for t in texts] == [library.classify(t) for t in texts]
