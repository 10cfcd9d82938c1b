"""The original headline and publisher hidden in an autoblog link's slug.

Autoblogs build their slug from the *original* headline before spinning it, often with the
source domain appended ("...-us-russia-talks-bbc-com/"), so the slug recovers what the
spinner destroyed. Casing is restored from how the words are written in the story itself.
"""

from __future__ import annotations

import itertools
import re
from urllib.parse import unquote, urlsplit

_TLD_NAMES = "com org net gov edu io info uk au nz za ie ca de fr ru ua eu ng pk"
_TLDS = frozenset(_TLD_NAMES.split())  # a slug's last token that can end a domain
_SECOND_LEVEL = frozenset({"co", "com", "org", "gov", "ac", "net"})
_NEEDS_SECOND = frozenset({"uk", "au", "nz", "za"})
_EXTENSION = re.compile(r"\.(?:html?|php|aspx?)$")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+){3,}$")
_MAX_OCCURRENCES = 4  # enough to out-vote a stray capital; bounds the work
_CASING_WINDOW = 2_000  # the story's opening names what the headline names
_FUNCTION_WORDS = "a an and as at but by for from in into of on or per than the to via vs with"
_LOWERCASE_WORDS = frozenset(_FUNCTION_WORDS.split())  # lowercase in a sentence-case headline
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


def _occurrences(key: str, text: str, lowered: str, limit: int) -> list[tuple[int, str]]:
    """(offset, form) of the first `limit` whole-word occurrences of `key` (str.find: no
    regex per item)."""
    found: list[tuple[int, str]] = []
    pos = lowered.find(key)
    while pos >= 0:
        end = pos + len(key)
        before = lowered[pos - 1] if pos else " "
        after = lowered[end] if end < len(lowered) else " "
        if not (before.isalnum() or before == "-" or after.isalnum() or after == "-"):
            found.append((pos, text[pos:end]))
            if len(found) == limit:
                break
        pos = lowered.find(key, end)
    return found


def case_map(keys: set[str], text: str) -> tuple[dict[str, str], set[str]]:
    """(lowercase word -> how the story writes it mid-sentence, the keys found at all).

    Proper nouns stay capital. The keys found tell `headline` which compounds the story
    holds, so that it need not search the story for them again.
    """
    lowered = text.lower()
    casing: dict[str, str] = {}
    found: set[str] = set()
    for key in keys:
        occurrences = _occurrences(key, text, lowered, _MAX_OCCURRENCES)
        if not occurrences:
            continue
        found.add(key)
        forms: dict[str, int] = {}
        for pos, form in occurrences:
            if not _SENTENCE_START.search(text, max(0, pos - 3), pos):
                forms[form] = forms.get(form, 0) + 1
        if forms:
            casing[key] = max(forms, key=forms.__getitem__)  # ties: the first seen
    return casing, found


def headline(slug_words: list[str], text: str, title: str) -> str:
    """The slug as a sentence-case headline, hyphenated compounds and names restored.

    Casing comes from the story only (a Title Case headline says nothing about names);
    a compound is restored when either the story or the title writes it hyphenated.
    """
    text = text[:_CASING_WINDOW]
    pairs = {f"{a}-{b}" for a, b in itertools.pairwise(slug_words)}
    keys = (set(slug_words) - _LOWERCASE_WORDS) | pairs
    casing, in_text = case_map(keys, text)
    lowered_title = title.lower()
    compounds = {p for p in pairs if p in in_text or _occurrences(p, title, lowered_title, 1)}
    words: list[str] = []
    i = 0
    while i < len(slug_words):
        pair = "-".join(slug_words[i : i + 2])
        if i + 1 < len(slug_words) and pair in compounds:
            words.append(casing.get(pair, pair))
            i += 2
        else:
            words.append(casing.get(slug_words[i], slug_words[i]))
            i += 1
    words[0] = words[0][:1].upper() + words[0][1:]
    return " ".join(words)
