"""The cleaner's shortcuts give exactly the answers of the slower code they stand in for."""

from __future__ import annotations

import re
import sys
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser, LexborNode

from worker.clean import footer, glue, sanitize
from worker.clean.html import CELL_IDS, TABLE_ID, _own_rows

# Characters that make each shortcut take its other branch, mixed with ordinary ones; and
# text made of ordinary ones alone, which takes the shortcuts.
TRICKY = list(' \n\t.,;:!?’”"@/aZé\u00a0\u00ad\u200b\u0301\u2000\u2028\u1161\ud800Ã©â€™')
PLAIN = list(" aZé.,’Ã©")
LINES = st.lists(
    st.one_of(st.text(st.sampled_from(TRICKY), max_size=12), st.text(st.sampled_from(PLAIN))),
    min_size=1,
    max_size=6,
)


def composed_onto() -> set[str]:
    """Characters that canonical composition can merge into the character before them."""
    seconds = {chr(c) for c in range(0x1161, 0x1176)} | {chr(c) for c in range(0x11A8, 0x11C3)}
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        parts = unicodedata.decomposition(char).split()
        canonical_pair = len(parts) == 2 and not parts[0].startswith("<")
        if canonical_pair and unicodedata.normalize("NFC", char) == char:  # primary composite
            seconds.add(chr(int(parts[1], 16)))
    return seconds


def test_nfc_inert_characters_are_left_alone_by_nfc_next_to_anything() -> None:
    seconds = composed_onto()
    ranges = re.findall(r"(.)-(.)", sanitize.NFC_INERT)
    assert "".join(a + "-" + b for a, b in ranges) == sanitize.NFC_INERT
    for first, last in ranges:
        for code in range(ord(first), ord(last) + 1):
            char = chr(code)
            assert unicodedata.combining(char) == 0, hex(code)
            assert unicodedata.is_normalized("NFC", char), hex(code)
            assert char not in seconds, hex(code)


@settings(max_examples=1000, deadline=None)
@given(LINES)
def test_lines_taken_as_tidy_are_what_full_tidying_makes_of_them(lines: list[str]) -> None:
    text = "\n".join(lines)
    data = text.encode("utf-8", "surrogatepass")
    if sanitize._already_tidy(lines, text, data):
        tidy = sanitize._tidy(lines)
        assert [line.strip(" ") for line in lines] == tidy
        mojibake = sanitize._MOJIBAKE_HINT.search(data) is not None
        assert mojibake == sanitize._may_be_mojibake("\n".join(tidy))


@settings(max_examples=1000, deadline=None)
@given(st.text(st.sampled_from(TRICKY), max_size=40))
def test_glue_prechecks_miss_no_candidate(text: str) -> None:
    ends = glue._may_match(text, glue._GLUED_END, glue._GLUED_DOT, "!?")
    assert ends == (glue._GLUED_END.search(text) is not None)
    commas = glue._may_match(text, glue._COMMA, glue._GLUED_COMMA, ";")
    assert commas == (glue._COMMA.search(text) is not None)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["a", "B", "Play", "x" * 45, "Q" * 45, "7", " "]), max_size=12))
def test_camel_unit_search_is_windowed_but_finds_the_same_unit(pieces: list[str]) -> None:
    text = "".join(pieces)
    for pos in range(len(text) + 1):
        full = glue._UNIT_LEFT.search(text, 0, pos)
        windowed = glue._unit_before(text, pos)
        assert (full and full.span()) == (windowed and windowed.span())


LABEL_PIECES = [
    "Source link : ", "Supply hyperlink", "Sourcelink", "Author:", "Writer :", "Creator:",
    "Publish date : 2025-04-01 08:00", "Copyright for syndicated content belongs to the linked ",
    "Source.", "linked Source", "x", " ", "\n", "https://a.example/b-c-d-e/",
]  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(LABEL_PIECES), max_size=12))
def test_footer_labels_are_matched_where_a_regex_search_would_match(pieces: list[str]) -> None:
    text = "".join(pieces)
    for start in range(0, len(text) + 1, 3):
        expected = [(m.span(), m.lastgroup) for m in footer._LABELS.finditer(text, start)]
        found = [(m.span(), m.lastgroup) for m in footer._label_matches(text, start)]
        assert found == expected


def test_a_table_s_own_rows_are_the_rows_a_css_query_finds_outside_its_cells() -> None:
    html = (
        "<table><thead><tr><th>Team</th></tr></thead><tr><td>a<table><tr><td>b</td></tr>"
        "</table></td></tr><tr><td><svg><tr><td>c</td></tr></svg></td></tr><TR><TD>d</TD></TR>"
        "<tfoot><tr><td>e</td></tr></tfoot></table>"
    )
    table = LexborHTMLParser(html).css_first("table")
    assert table is not None

    def in_a_cell(row: LexborNode) -> bool:
        node = row.parent
        while node is not None and node.tag_id != TABLE_ID:
            if node.tag_id in CELL_IDS:
                return True
            node = node.parent
        return node is None or node.mem_id != table.mem_id

    expected = [row.html for row in table.css("tr") if not in_a_cell(row)]
    assert [row.html for row in _own_rows(table)] == expected
    assert len(expected) == 5  # not the nested table's row, nor the <svg>'s
