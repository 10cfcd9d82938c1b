"""The text format of the item record contract."""

from __future__ import annotations

from tests.clean.conftest import html_entry
from worker.clean import clean


def test_text_renders_every_block_kind_separated_by_blank_lines() -> None:
    html = (
        "<h2>Results</h2><p>Turnout rose.</p><ul><li>North: 61%</li></ul>"
        "<blockquote>A historic night.</blockquote>"
        "<table><tr><th>Party</th><th>Seats</th></tr><tr><td>Greens</td><td>12</td></tr></table>"
    )
    assert clean(html_entry(html)).text == (
        "## Results\n\nTurnout rose.\n\n- North: 61%\n\n> A historic night.\n\n"
        "| Party | Seats |\n| Greens | 12 |"
    )


def test_a_pipe_inside_a_cell_is_escaped() -> None:
    html = "<table><tr><td>a|b</td><td>c</td></tr></table>"
    assert clean(html_entry(html)).text == "| a\\|b | c |"
