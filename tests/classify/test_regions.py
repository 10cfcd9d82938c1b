import re

from hypothesis import given
from hypothesis import strategies as st

from worker.classify.regions import _word_before, find_regions


def codes(text: str, title: str = "") -> list[str]:
    return [region.code for region in find_regions(title, text)]


def test_a_country_name_gives_its_iso_code():
    assert codes("Exports from Brazil rose again.") == ["BR"]


def test_a_demonym_counts_for_its_country():
    assert codes("The talks were led by Norwegian diplomats.") == ["NO"]


def test_a_big_city_counts_for_its_country():
    assert codes("Thousands marched through Lagos on Saturday.") == ["NG"]


def test_a_us_state_counts_for_the_us():
    assert codes("Wildfires spread across northern Nevada overnight.") == ["US"]


def test_the_most_mentioned_country_comes_first_with_the_highest_score():
    regions = find_regions("", "Canada and Mexico met; Canadian officials spoke in Ottawa.")
    assert regions[0].code == "CA" and regions[0].score > regions[1].score


def test_an_unqualified_paris_is_in_france():
    assert codes("The summit opened in Paris on Monday.") == ["FR"]


def test_paris_texas_is_in_the_us():
    assert codes("The fair opened in Paris, Texas, on Monday.") == ["US"]


def test_georgia_is_the_country_by_default():
    assert codes("Protesters filled the streets as Georgia's parliament met.") == ["GE"]


def test_georgia_is_the_us_state_when_the_text_is_about_the_us():
    assert codes("Polls closed in Georgia as the US count began.") == ["US"]


def test_a_person_called_jordan_is_not_a_country():
    assert codes("Fans cheered when Michael Jordan walked in.") == []


def test_jordan_mid_sentence_is_the_country():
    assert codes("Aid convoys crossed from Jordan into the region.") == ["JO"]


def test_an_ambiguous_name_at_sentence_start_is_ignored():
    assert codes("Jordan scored twice.") == []


def test_us_in_lower_case_is_a_pronoun():
    assert codes("He told us the plan would work.") == []


def test_regions_named_after_a_country_do_not_count_for_it():
    assert codes("Sales in Latin America and across the Indian Ocean grew.") == []


def test_a_small_town_needs_a_qualifier_to_count():
    assert codes("The parade passed through Kendal at noon.") == []


def test_words_in_a_title_cased_headline_are_not_taken_for_ambiguous_places():
    assert codes("", title="Jordan Signs Record Deal With New Club") == []


@given(st.text(alphabet="aAzZ \n.é", max_size=12), st.integers(min_value=0, max_value=12))
def test_the_word_before_a_name_is_what_the_regular_expression_finds(text, start):
    start = min(start, len(text))
    found = re.search(r"([A-Z][a-z]+) $", text[:start])
    assert _word_before(text, start) == (found.group(1) if found else None)
