"""Where tag-stripped text was glued together, and the spacing repairs that are safe.

Stripping tags without adding spaces glues sentences ("end.Next"), clauses ("word,word")
and cells ("DateEventLocation"). A lower-to-upper transition is a glue point unless the
word across it is a real mixed-case name (iPhone, McDonald, YouTube, PlayStation, eBay):
wordfreq knows those as single words, the allow-list covers what it does not.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from functools import lru_cache

from wordfreq import zipf_frequency

_KEEP_WORDS = """
iphone ipad ipod imac ios ebay youtube playstation mcdonald linkedin facebook tiktok whatsapp
javascript powerpoint bitcoin openai chatgpt wordpress github paypal fedex airbnb spacex
"""
KEEP_MIXED_CASE = frozenset(_KEEP_WORDS.split())  # beyond what wordfreq already knows
_NAME_PREFIXES = frozenset({"Mc", "Mac", "De", "Di", "Da", "La", "Le", "Van", "Von"})
# ".xyz" after a word is a domain or a file name, not a new sentence
_SUFFIXES = (
    "com org net gov edu info io co uk js py html htm php pdf jpg png txt exe app news tv ly me us"
)
_NOT_A_SENTENCE = frozenset(_SUFFIXES.split())
# A sentence end touching a letter; the rest is checked in Python (a regex starting with a
# lookbehind is tried at every position and was the slowest part of plain-text cleaning).
_GLUED_END = re.compile(r"[.!?][”\"’]?(?=[A-Za-z])")
_GLUED_DOT = re.compile(r"\.[”\"’]?(?=[A-Za-z])")  # _GLUED_END for "." alone: see _may_match
_LOWER_WORD_END = re.compile(r"[a-z]{3}\.")
# lower|Upper ("DateEvent"), digit|Word ("Oct 3Military"), ACRONYM|Word ("TVAmazon")
# (each glue point is a match's end: no leading lookbehind, see _GLUED_END)
_CAMEL = re.compile(r"[a-z](?=[A-Z])|[0-9%](?=[A-Z][a-z])|[A-Z](?=[A-Z][a-z]{2})")
_LETTER_DIGIT = re.compile(r"[a-z]{3}(?=\d)")
# "word,word": the letter before the comma is checked in Python, so that a match can only
# start at a "," or ";" rather than at every letter
_COMMA = re.compile(r"[,;](?=[A-Za-z])")
_GLUED_COMMA = re.compile(r",(?=[A-Za-z])")  # _COMMA for "," alone: see _may_match
_ASCII_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_UNIT_LEFT = re.compile(r"(?:[A-Z]?[a-z]+|[A-Z]+)$")
_UNIT_WINDOW = 40  # longer than a camel-case unit ("Play", "Station") normally is
_UNIT_RIGHT = re.compile(r"[A-Z][a-z]*")
_WORD_RIGHT = re.compile(r"[A-Za-z]+")
_BEFORE_END = frozenset("abcdefghijklmnopqrstuvwxyz0123456789%)")


@lru_cache(maxsize=65_536)
def _is_word(word: str) -> bool:
    return zipf_frequency(word, "en") >= 3.0


def _may_match(text: str, full: re.Pattern[str], common: re.Pattern[str], rare: str) -> bool:
    """`full.search(text) is not None`, several times faster on ordinary text.

    `full` opens with a class of marks ("[.!?]"), so the regex engine tests every character
    against it; `common` is `full` for the mark that prose is full of alone, and opens with
    it as a literal, which the engine scans for at C speed. `full` itself runs only when
    one of the `rare` marks occurs at all.
    """
    if common.search(text) is not None:
        return True
    for mark in rare:
        if mark in text:
            return full.search(text) is not None
    return False


def _in_link(text: str, pos: int) -> bool:
    """True when `pos` is inside a URL, an e-mail address or a www. host."""
    start = text.rfind(" ", 0, pos) + 1
    end = text.find(" ", pos)
    token = text[start:] if end < 0 else text[start:end]
    return "://" in token or "@" in token or token.lower().startswith("www.")


def _unit_before(text: str, pos: int) -> re.Match[str] | None:
    """`_UNIT_LEFT.search(text, 0, pos)`, in time bounded by the unit, not by `pos`.

    A search from 0 tries every offset before `pos` (quadratic over a long glued table).
    The leftmost match in a window is the true one unless it starts at the window's edge,
    where the unit may reach further left: only then is the whole prefix searched.
    """
    start = max(0, pos - _UNIT_WINDOW)
    left = _UNIT_LEFT.search(text, start, pos)
    if left is not None and left.start() == start > 0:
        left = _UNIT_LEFT.search(text, 0, pos)
    return left


def _keeps_mixed_case(text: str, pos: int, keep: frozenset[str]) -> bool:
    """True when the camel-case units meeting at `pos` form one name ("Play|Station")."""
    left = _unit_before(text, pos)
    right = _UNIT_RIGHT.match(text, pos)
    if not left or not right:
        return False
    head = left.group(0)
    word = (head + right.group(0)).lower()
    return (
        (len(head) == 1 and head.islower())
        or head in _NAME_PREFIXES
        or word in KEEP_MIXED_CASE
        or word in keep
        or _is_word(word)
    )


def _sentence_points(text: str) -> Iterator[int]:
    """Glue points: "end.Next" (after a lowercase letter, digit, "%", ")" or a closing
    quote) and "end.next" when "next" is a common word, not a domain or file suffix."""
    for m in _GLUED_END.finditer(text):
        start, point = m.span()
        if "A" <= text[point] <= "Z":
            glued = point - start == 2 or (start > 0 and text[start - 1] in _BEFORE_END)
        else:
            right = _WORD_RIGHT.match(text, point)
            word = right.group(0) if right else ""
            glued = (
                point - start == 1
                and _LOWER_WORD_END.match(text, start - 3, point) is not None
                and len(word) >= 2
                and word.islower()
                and word not in _NOT_A_SENTENCE
                and _is_word(word)
            )
        if glued and not _in_link(text, point):
            yield point


def sentence_points(text: str) -> list[int]:
    """Offsets where one sentence was glued to the next with no space, in order."""
    if not _may_match(text, _GLUED_END, _GLUED_DOT, "!?"):  # most text: no candidate at all
        return []
    return list(_sentence_points(text))  # ascending and distinct: ends of successive matches


def cell_points(text: str, keep: frozenset[str] = frozenset()) -> list[int]:
    """Offsets where flattened table cells (or sentences) meet: every glue point we trust."""
    points = set(_sentence_points(text))
    points.update(
        m.end()
        for m in _CAMEL.finditer(text)
        if not _keeps_mixed_case(text, m.end(), keep) and not _in_link(text, m.end())
    )
    points.update(m.end() for m in _LETTER_DIGIT.finditer(text))
    return sorted(points)


def split_at(text: str, points: list[int]) -> list[str]:
    """`text` cut at `points`, pieces stripped, empty pieces dropped."""
    bounds = [0, *points, len(text)]
    pieces = (text[a:b].strip() for a, b in itertools.pairwise(bounds))
    return [p for p in pieces if p]


def respace(text: str) -> str:
    """Put the missing space back after glued sentence ends and commas/semicolons."""
    points = sentence_points(text)
    return space_commas(" ".join(split_at(text, points)) if points else text)


def space_commas(text: str) -> str:
    """Put the missing space back after commas/semicolons glued to a word (not in links)."""
    if not _may_match(text, _COMMA, _GLUED_COMMA, ";"):  # most text: nothing to look at
        return text

    def comma(m: re.Match[str]) -> str:
        start = m.start()
        glued = start > 0 and text[start - 1] in _ASCII_LETTERS and not _in_link(text, m.end())
        return m.group(0) + " " if glued else m.group(0)

    return _COMMA.sub(comma, text)
