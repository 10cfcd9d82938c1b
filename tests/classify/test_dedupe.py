from worker.classify import text_fingerprint


def test_case_whitespace_and_punctuation_do_not_change_the_fingerprint():
    assert text_fingerprint("Rates rise, again.\n\nBanks  react!") == text_fingerprint(
        "rates rise again banks react"
    )


def test_typographic_quotes_fold_to_the_same_fingerprint():
    assert text_fingerprint("the mayor’s plan") == text_fingerprint("The mayor's plan")


def test_different_words_give_different_fingerprints():
    assert text_fingerprint("rates rise again") != text_fingerprint("rates fall again")


def test_text_without_words_has_no_fingerprint():
    assert text_fingerprint(" ... \n ") == ""


def test_compatibility_forms_fold_to_the_same_fingerprint():
    assert text_fingerprint("ﬁnal ＲＥＳＵＬＴ") == text_fingerprint("final result")
