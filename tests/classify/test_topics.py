import pytest

from worker.classify.topics import Taxonomy, default_taxonomy, score_topics

SPORT = (
    "The striker scored twice in the second half as the home side came from behind to win "
    "the cup tie. The manager said the squad had trained hard all week and the fans sang "
    "until the referee blew the final whistle on a memorable match."
)
ELECTION = (
    "Voters go to the polls on Thursday in a general election that opinion polls say is too "
    "close to call. The prime minister told a campaign rally that the government had kept "
    "its promises, while the opposition leader said parliament needed a change."
)

TINY = {
    "scoring": {"min_words": 1},
    "topic": [
        {"code": "t:war", "label": "war", "strong": ["war"]},
        {"code": "t:tech", "label": "tech", "strong": ["software"]},
        {"code": "t:chips", "label": "chips", "parent": "t:tech", "strong": ["chip"]},
    ],
}


def codes(title: str, text: str, taxonomy: Taxonomy) -> list[str]:
    return [topic.code for topic in score_topics(title, text, taxonomy)]


def test_a_match_report_is_sport_first():
    assert codes("", SPORT, default_taxonomy())[0] == "medtop:15000000"


def test_a_football_report_also_gets_the_football_topic():
    assert "medtop:15054000" in codes("", SPORT, default_taxonomy())


def test_an_election_story_is_politics_with_the_election_subtopic():
    found = codes("", ELECTION, default_taxonomy())
    assert found[0] == "medtop:11000000" and "medtop:20000574" in found


def test_each_topic_reports_the_terms_that_fired():
    politics = score_topics("", ELECTION, default_taxonomy())[0]
    assert {"general election", "opinion polls"} <= set(politics.terms)


def test_terms_match_whole_words_only():
    assert codes("", "New software for the warehouse", Taxonomy.from_dict(TINY)) == ["t:tech"]


def test_a_subtopic_hit_counts_for_its_parent():
    assert set(codes("", "a new chip", Taxonomy.from_dict(TINY))) == {"t:tech", "t:chips"}


def test_scores_are_between_zero_and_one():
    scores = [t.score for t in score_topics("", SPORT, default_taxonomy())]
    assert all(0 < s <= 1 for s in scores)


def test_one_passing_mention_in_a_long_text_is_not_a_topic():
    text = " ".join(["The committee met again to discuss the agenda."] * 40) + " It was war."
    assert codes("", text, Taxonomy.from_dict(TINY)) == []


def test_a_title_hit_weighs_more_than_a_body_hit():
    tiny = Taxonomy.from_dict(TINY)
    [in_title] = score_topics("war", "they met", tiny)
    [in_body] = score_topics("", "war they met", tiny)
    assert in_title.score > in_body.score


def test_text_without_any_term_has_no_topic():
    assert score_topics("", "Nothing to see here.", default_taxonomy()) == []


def test_a_parent_that_is_not_defined_is_a_configuration_error():
    bad = {"topic": [{"code": "a", "label": "a", "parent": "missing", "terms": ["x"]}]}
    with pytest.raises(ValueError, match="missing"):
        Taxonomy.from_dict(bad)


def test_a_taxonomy_loads_from_a_toml_file(tmp_path):
    path = tmp_path / "taxonomy.toml"
    path.write_text('[[topic]]\ncode = "t:x"\nlabel = "x"\nstrong = ["xylophone"]\n')
    assert codes("", "A xylophone solo.", Taxonomy.load(path)) == ["t:x"]


def war_and_peace(relative_cutoff: float) -> Taxonomy:
    return Taxonomy.from_dict(
        {
            "scoring": {"min_words": 1, "threshold": 0.3, "relative_cutoff": relative_cutoff},
            "topic": [
                {"code": "t:war", "label": "war", "strong": ["war"]},
                {"code": "t:peace", "label": "peace", "terms": ["peace"]},
            ],
        }
    )


def test_a_top_level_topic_far_below_the_best_is_dropped():
    text = "war war war and one word of peace " + "filler " * 32  # war 0.88, peace 0.45
    assert codes("", text, war_and_peace(relative_cutoff=0.0)) == ["t:war", "t:peace"]
    assert codes("", text, war_and_peace(relative_cutoff=0.6)) == ["t:war"]
