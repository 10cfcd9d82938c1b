"""The original headline and publisher hidden in an autoblog link's slug.

Autoblogs build their slug from the *original* headline before spinning it, often with the
source domain appended ("...-us-russia-talks-bbc-com/"), so the slug recovers what the
spinner destroyed. Casing is restored from how the words are written in the story itself.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from urllib.parse import unquote, urlsplit

_TLDS = frozenset(
    {
        "com",
        "org",
        "net",
        "gov",
        "edu",
        "io",
        "info",
        "uk",
        "au",
        "nz",
        "za",
        "ie",
        "ca",
        "de",
        "fr",
        "ru",
        "ua",
        "eu",
        "ng",
        "pk",
    }
)
_SECOND_LEVEL = frozenset({"co", "com", "org", "gov", "ac", "net"})
_NEEDS_SECOND = frozenset({"uk", "au", "nz", "za"})
_EXTENSION = re.compile(r"\.(?:html?|php|aspx?)$")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+){3,}$")
_SENTENCE_START = re.compile(r"(?:^|[.!?:\"“\n]\s*)$")


def parse_slug(url: str | None) -> tuple[list[str], str | None]:
    """(headline words of the slug, publisher domain from its suffix); empty when no slug."""
    if not url:
        return [], None
    try:
        path = unquote(urlsplit(url).path)
    except ValueError:
        return [], None
    last = next((seg for seg in reversed(path.split("/")) if seg), "")
    last = _EXTENSION.sub("", last.lower())
    if not _SLUG.match(last):
        return [], None
    tokens = last.split("-")
    while tokens and any(ch.isdigit() for ch in tokens[-1]):  # trailing ids and dates
        tokens.pop()
    publisher = None
    if len(tokens) >= 5 and tokens[-1] in _TLDS:
        size = 3 if tokens[-1] in _NEEDS_SECOND or tokens[-2] in _SECOND_LEVEL else 2
        if tokens[-1] not in _NEEDS_SECOND or tokens[-2] in _SECOND_LEVEL:
            publisher = ".".join(tokens[-size:])
            tokens = tokens[:-size]
    return (tokens if len(tokens) >= 4 else []), publisher


def _key(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower().replace("'", "").replace("’", ""))


def disagrees(slug_words: list[str], title: str) -> bool:
    """True when the slug has a word the visible title lacks (the title was spun or rewritten).

    Slugs often drop words of the title, so only words the title lacks count.
    """
    title_words = set(_key(title))
    return any(w not in title_words for w in slug_words)


def case_map(keys: set[str], text: str) -> dict[str, str]:
    """lowercase word -> how the story writes it mid-sentence (proper nouns stay capital)."""
    if not keys:
        return {}
    words = "|".join(sorted(map(re.escape, keys), key=len, reverse=True))
    pattern = re.compile(rf"(?<![\w-])(?:{words})(?![\w-])", re.IGNORECASE)
    forms: dict[str, Counter[str]] = {}
    for match in pattern.finditer(text):
        if _SENTENCE_START.search(text[max(0, match.start() - 3):match.start()]):
            continue
        word = match.group(0)
        forms.setdefault(word.lower(), Counter())[word] += 1
    return {key: counts.most_common(1)[0][0] for key, counts in forms.items()}


def headline(slug_words: list[str], text: str) -> str:
    """The slug as a sentence-case headline, hyphenated compounds and names restored."""
    pairs = {f"{a}-{b}" for a, b in itertools.pairwise(slug_words)}
    casing = case_map(set(slug_words) | pairs, text)
    words: list[str] = []
    i = 0
    while i < len(slug_words):
        pair = "-".join(slug_words[i:i + 2])
        if i + 1 < len(slug_words) and pair in casing:
            words.append(casing[pair])
            i += 2
        else:
            words.append(casing.get(slug_words[i], slug_words[i]))
            i += 1
    words[0] = words[0][:1].upper() + words[0][1:]
    return " ".join(words)
