"""HTML -> blocks: structure kept, junk dropped, characters normalised."""

from __future__ import annotations

from tests.clean.conftest import html_entry
from worker.clean import clean
from worker.record import Block


def kinds(html: str) -> list[tuple[str, str]]:
    return [(b.kind, b.text) for b in clean(html_entry(html)).blocks]


def test_headings_paragraphs_quotes_and_lists_become_blocks() -> None:
    html = (
        "<h2>Budget vote</h2><p>The vote passed.</p>"
        "<blockquote><p>It is a good day.</p></blockquote>"
        "<ul><li>First</li><li>Second</li></ul>"
    )
    assert kinds(html) == [
        ("heading", "Budget vote"),
        ("paragraph", "The vote passed."),
        ("quote", "It is a good day."),
        ("list_item", "First"),
        ("list_item", "Second"),
    ]


def test_list_items_keep_their_bold_label() -> None:
    html = "<ul><li><strong>Rail Strike:</strong> Trains stop on Monday.</li></ul>"
    assert kinds(html) == [("list_item", "Rail Strike: Trains stop on Monday.")]


def test_table_with_th_row_has_header_and_rows() -> None:
    html = (
        "<table><tr><th>City</th><th>Rain</th></tr>"
        "<tr><td>Lyon</td><td>12 mm</td></tr><tr><td>Nice</td><td>3 mm</td></tr></table>"
    )
    [table] = clean(html_entry(html)).blocks
    assert table == Block(
        "table",
        "| City | Rain |\n| Lyon | 12 mm |\n| Nice | 3 mm |",
        rows=[["City", "Rain"], ["Lyon", "12 mm"], ["Nice", "3 mm"]],
        header=True,
    )


def test_table_with_thead_of_td_cells_has_header() -> None:
    html = (
        "<table><thead><tr><td>Team</td><td>Points</td></tr></thead>"
        "<tbody><tr><td>Rovers</td><td>31</td></tr></tbody></table>"
    )
    assert clean(html_entry(html)).blocks[0].header is True


def test_table_without_header_row_is_not_marked_as_header() -> None:
    html = "<table><tr><td>Lyon</td><td>12</td></tr><tr><td>Nice</td><td>3</td></tr></table>"
    assert clean(html_entry(html)).blocks[0].header is False


def test_scripts_styles_iframes_forms_and_comments_are_dropped() -> None:
    html = (
        "<p>Kept.</p><script>var x = 1;</script><style>p {}</style>"
        "<iframe src='https://ads.example'>ad</iframe><form><p>Sign in</p></form>"
        "<!-- editor note --><noscript>Enable JS</noscript>"
    )
    assert clean(html_entry(html)).text == "Kept."


def test_entities_nbsp_and_zero_width_characters_are_normalised() -> None:
    html = "<p>Fish&nbsp;&amp;&#160;chips\u200b cost&#8230; \u00a0 \u200dfive&nbsp;pounds</p>"
    assert clean(html_entry(html)).text == "Fish & chips cost… five pounds"


def test_line_breaks_split_paragraphs() -> None:
    assert kinds("<p>One<br>Two</p>") == [("paragraph", "One"), ("paragraph", "Two")]


def test_inline_markup_does_not_split_a_paragraph() -> None:
    assert kinds("<p>A <em>very</em> <a href='/x'>short</a> story.</p>") == [
        ("paragraph", "A very short story.")
    ]


def test_images_and_tracking_pixels_leave_no_text() -> None:
    html = (
        '<p>Text.</p><img src="https://px.example/t.gif" width="1" height="1" alt="pixel">'
        '<figure><img src="a.jpg" alt="A"><figcaption>Ignored</figcaption></figure>'
    )
    assert clean(html_entry(html)).text == "Text."


def test_content_is_preferred_over_summary() -> None:
    entry = html_entry("<p>Full story.</p>", summary="Short teaser.")
    assert clean(entry).text == "Full story."


def test_summary_is_used_when_there_is_no_content() -> None:
    entry = html_entry("", summary="<p>Only a teaser.</p>")
    assert clean(entry).text == "Only a teaser."


def test_scripts_and_styles_inside_table_cells_never_reach_the_text() -> None:
    html = (
        "<table><tr><td>Lyon<script>track()</script></td>"
        "<td><style>.x{color:red}</style>12 mm<svg><text>logo</text></svg></td></tr></table>"
    )
    [table] = clean(html_entry(html)).blocks
    assert table.rows == [["Lyon", "12 mm"]]


def test_a_nested_table_stands_once_in_the_cell_that_holds_it() -> None:
    html = (
        "<table><tr><td>Results<table><tr><td>Rovers 2</td></tr><tr><td>City 1</td></tr>"
        "</table></td></tr><tr><td>Next round on Friday</td></tr></table>"
    )
    [table] = clean(html_entry(html)).blocks
    assert table.rows == [["Results Rovers 2 City 1"], ["Next round on Friday"]]
