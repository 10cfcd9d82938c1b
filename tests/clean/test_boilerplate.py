"""Feed and site boilerplate is dropped; story sentences that look alike are kept."""

from __future__ import annotations

import pytest

from tests.clean.conftest import html_entry
from worker.clean import clean

STORY = "<p>Ferries resumed on Friday.</p>"


@pytest.mark.parametrize(
    "line",
    [
        "The post Ferries resume after storm appeared first on Coast News.",
        "Continue reading",
        "Read more",
        "Read the full story",
        "Share this article",
        "Share on Facebook",
        "Subscribe to our newsletter",
        "Sign up for alerts",
        "Related articles:",
        "Advertisement",
    ],
)
def test_boilerplate_lines_are_dropped(line: str) -> None:
    assert clean(html_entry(f"{STORY}<p>{line}</p>")).text == "Ferries resumed on Friday."


def test_a_sentence_mentioning_read_more_is_kept() -> None:
    html = "<p>Officials urged travellers to read more about the timetable before leaving.</p>"
    assert "read more" in clean(html_entry(html)).text


def test_wordpress_excerpt_ellipsis_is_trimmed() -> None:
    assert clean(html_entry("<p>Ferries resumed on Friday after [&hellip;]</p>")).text == (
        "Ferries resumed on Friday after"
    )
