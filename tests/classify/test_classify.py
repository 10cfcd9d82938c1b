from worker.classify import classify, text_fingerprint
from worker.classify.topics import Taxonomy

from .builders import cleaned, entry

STORY = (
    "Shares in the carmaker fell sharply after it reported lower quarterly profits and "
    "warned investors that sales would slow. The chief executive said the firm would cut "
    "costs, and analysts expect the stock market to react again on Monday."
)


class BrokenTaxonomy(Taxonomy):
    def __init__(self) -> None:  # a taxonomy whose matcher is missing: topics will fail
        pass


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


def test_a_failing_stage_leaves_its_default_and_keeps_the_others():
    labels = classify(cleaned(STORY), entry(), taxonomy=BrokenTaxonomy())
    assert labels.topics == [] and labels.language == "en"
