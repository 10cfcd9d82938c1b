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

KEEP_MIXED_CASE = frozenset(
    {
        "iphone",
        "ipad",
        "ipod",
        "imac",
        "ios",
        "ebay",
        "youtube",
        "playstation",
        "mcdonald",
        "linkedin",
        "facebook",
        "tiktok",
        "whatsapp",
        "javascript",
        "powerpoint",
        "bitcoin",
        "openai",
        "chatgpt",
        "wordpress",
        "github",
        "paypal",
        "fedex",
        "airbnb",
        "spacex",
    }
)
_NAME_PREFIXES = frozenset({"Mc", "Mac", "De", "Di", "Da", "La", "Le", "Van", "Von"})
_NOT_A_SENTENCE = frozenset(
    {  # ".xyz" after a word is a domain or file, not a new sentence
        "com",
        "org",
        "net",
        "gov",
        "edu",
        "info",
        "io",
        "co",
        "uk",
        "js",
        "py",
        "html",
        "htm",
        "php",
        "pdf",
        "jpg",
        "png",
        "txt",
        "exe",
        "app",
        "news",
        "tv",
        "ly",
        "me",
        "us",
    }
)
_SENTENCE = re.compile(r"(?<=[a-z0-9%)][.!?])(?=[A-Z])|(?<=[.!?][”\"’])(?=[A-Z])")
_LOWER_SENTENCE = re.compile(r"(?<=[a-z]{3}\.)(?=[a-z]{2,})")
# lower|Upper ("DateEvent"), digit|Word ("Oct 3Military"), ACRONYM|Word ("TVAmazon")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[0-9%])(?=[A-Z][a-z])|(?<=[A-Z])(?=[A-Z][a-z]{2})")
_LETTER_DIGIT = re.compile(r"(?<=[a-z]{3})(?=\d)")
_COMMA = re.compile(r"(?<=[A-Za-z])([,;])(?=[A-Za-z])")
_UNIT_LEFT = re.compile(r"(?:[A-Z]?[a-z]+|[A-Z]+)$")
_UNIT_RIGHT = re.compile(r"[A-Z][a-z]*")
_WORD_RIGHT = re.compile(r"[A-Za-z]+")


@lru_cache(maxsize=65_536)
def _is_word(word: str) -> bool:
    return zipf_frequency(word, "en") >= 3.0


def _in_link(text: str, pos: int) -> bool:
    """True when `pos` is inside a URL, an e-mail address or a www. host."""
    start = text.rfind(" ", 0, pos) + 1
    end = text.find(" ", pos)
    token = text[start:] if end < 0 else text[start:end]
    return "://" in token or "@" in token or token.lower().startswith("www.")


def _keeps_mixed_case(text: str, pos: int, keep: frozenset[str]) -> bool:
    """True when the camel-case units meeting at `pos` form one name ("Play|Station")."""
    left = _UNIT_LEFT.search(text, 0, pos)
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
    for m in _SENTENCE.finditer(text):
        if not _in_link(text, m.start()):
            yield m.start()
    for m in _LOWER_SENTENCE.finditer(text):
        right = _WORD_RIGHT.match(text, m.start())
        word = right.group(0) if right else ""
        if word not in _NOT_A_SENTENCE and _is_word(word) and not _in_link(text, m.start()):
            yield m.start()


def sentence_points(text: str) -> list[int]:
    """Offsets where one sentence was glued to the next with no space."""
    return sorted(set(_sentence_points(text)))


def cell_points(text: str, keep: frozenset[str] = frozenset()) -> list[int]:
    """Offsets where flattened table cells (or sentences) meet: every glue point we trust."""
    points = set(_sentence_points(text))
    points.update(
        m.start()
        for m in _CAMEL.finditer(text)
        if not _keeps_mixed_case(text, m.start(), keep) and not _in_link(text, m.start())
    )
    points.update(m.start() for m in _LETTER_DIGIT.finditer(text))
    return sorted(points)


def split_at(text: str, points: list[int]) -> list[str]:
    """`text` cut at `points`, pieces stripped, empty pieces dropped."""
    bounds = [0, *points, len(text)]
    pieces = (text[a:b].strip() for a, b in itertools.pairwise(bounds))
    return [p for p in pieces if p]


def respace(text: str) -> str:
    """Put the missing space back after glued sentence ends and commas/semicolons."""
    points = sentence_points(text)
    if points:
        text = " ".join(split_at(text, points))
    return _COMMA.sub(
        lambda m: m.group(1) + " " if not _in_link(text, m.start()) else m.group(1), text
    )
