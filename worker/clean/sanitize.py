"""Text and URL hygiene shared by every path: invisible characters, mojibake, trackers.

Feeds mix NBSP, zero-width joiners, soft hyphens, stray control characters and
double-encoded UTF-8; everything downstream (glue repair, duplicate hashes, the classifier)
assumes ordinary spaces and correctly decoded characters, so this runs on every string.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import ftfy

_INVISIBLE = re.compile("[\u00ad\u200b-\u200d\u2060\ufeff\u180e]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# UTF-8 decoded as cp1252/latin-1 leaves a lead letter (U+00C2-U+00F4) followed by a
# continuation sign (U+0080-U+00BF or a cp1252 extra such as "€" or "™"). In UTF-8 that
# is C3 82-B4 then a byte starting one of those signs: a bytes pattern with a literal
# first byte, which the regex engine scans for much faster than a character class.
_MOJIBAKE_HINT = re.compile(rb"\xc3[\x82-\xb4][\xc2\xc5\xc6\xcb\xe2]")
_PRINTABLE_ASCII = bytes(range(0x20, 0x7F))
# Letters, punctuation and symbols that NFC never changes, nor merges with a neighbour
# (a starter that nothing composes onto): Latin, Greek, Cyrillic, Vietnamese, general
# punctuation, currency, letterlike, arrows and maths. tests/clean pins the property.
NFC_INERT = "\u0080-\u02ff\u0388-\u0482\u1e00-\u1eff\u2002-\u20cf\u2100-\u2125\u2190-\u2328"
_NOT_NFC_INERT = re.compile(f"[^{NFC_INERT}]")


def _may_be_mojibake(text: str) -> bool:
    """Cheap test that keeps ftfy (slow) off the clean majority of text."""
    return not text.isascii() and bool(_MOJIBAKE_HINT.search(text.encode("utf-8", "surrogatepass")))


def _already_tidy(lines: list[str], text: str, data: bytes) -> bool:
    """True when `_tidy` would only trim spaces: every line printable, no "  ", NFC.

    `text` is the lines joined by newlines and `data` its UTF-8. Deleting the printable
    ASCII bytes (C speed) leaves the few other characters, so `isprintable` and the NFC
    check look at those only, instead of at every character of every line.
    """
    if b"  " in data:
        return False
    # deleting ASCII keeps UTF-8 valid; what is left is short
    others = data.translate(None, _PRINTABLE_ASCII).decode("utf-8", "surrogatepass")
    if others.count("\n") != len(lines) - 1:  # a line holds a "\n"
        return False
    others = others.replace("\n", "")
    return others.isprintable() and (
        not _NOT_NFC_INERT.search(others) or unicodedata.is_normalized("NFC", text)
    )


_FTFY = ftfy.TextFixerConfig(
    unescape_html=False,
    uncurl_quotes=False,
    fix_character_width=False,
    fix_line_breaks=False,
    explain=False,
)


def _tidy(lines: list[str]) -> list[str]:
    """NFC, no invisibles or controls, single spaces, trimmed; regexes run once for all.

    `str.isprintable()` is False for every space but " ", every control and every
    invisible format character, so a printable line without "  " only needs trimming:
    the common case skips the (slow, on non-ASCII text) split and the regexes.
    """
    tidy: list[str] = []
    suspect = False
    for line in lines:
        if line.isprintable() and "  " not in line:
            tidy.append(line.strip(" "))
        else:
            tidy.append(" ".join(line.split()))  # str.split() knows every Unicode space
            suspect = True
    text = "\n".join(tidy)
    if suspect and not all(map(str.isprintable, tidy)):
        # invisibles out before NFC, or "e\u200b\u0301" would stay decomposed
        text = _CONTROL.sub(" ", unicodedata.normalize("NFC", _INVISIBLE.sub("", text)))
        return [" ".join(line.split()) for line in text.split("\n")]
    if text.isascii() or unicodedata.is_normalized("NFC", text):
        return tidy
    return unicodedata.normalize("NFC", text).split("\n")


def _repair(line: str) -> str:
    """Undo double-encoded UTF-8 ("Ã©" -> "é") in one tidy line.

    Repeated until stable (a control character can hide a sequence from ftfy), so that
    normalising a normalised line changes nothing: the cleaner must be idempotent.
    """
    for _ in range(3):
        if not _may_be_mojibake(line):
            break
        fixed = _tidy([ftfy.fix_text(line, _FTFY)])[0]
        if fixed == line:
            break
        line = fixed
    return line


def normalize_lines(lines: list[str]) -> list[str]:
    """Display lines: tidied (see `_tidy`) and mojibake repaired; one entry per input line."""
    if not lines:
        return []
    text = "\n".join(lines)
    data = text.encode("utf-8", "surrogatepass")
    if _already_tidy(lines, text, data):
        tidy = [line.strip(" ") for line in lines]
        # trimming spaces next to a "\n" cannot make or break a mojibake sequence
        may_be_mojibake = _MOJIBAKE_HINT.search(data) is not None
    else:
        tidy = _tidy(lines)
        may_be_mojibake = _may_be_mojibake("\n".join(tidy))
    return [_repair(line) for line in tidy] if may_be_mojibake else tidy


def normalize_text(text: str) -> str:
    """Multi-line text: line breaks unified, every line normalised."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(normalize_lines(text.split("\n")))


URL = re.compile(r"https?://[^\s<>\"']+")


def host_of(url: str | None) -> str:
    """The lowercase host of `url` without "www.", or "" (never raises on a bad URL)."""
    try:
        host = (urlsplit(url).hostname or "") if url else ""
    except ValueError:
        return ""
    return host.removeprefix("www.")


def has_path(url: str) -> bool:
    """True when `url` points below the site root (an article, not a home page)."""
    try:
        return urlsplit(url).path.strip("/") != ""
    except ValueError:
        return False


_TRACKING_PARAM = re.compile(
    r"^(?:utm_\w+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|mc_\w+|_hsenc|_hsmi|igshid|yclid)$",
    re.IGNORECASE,
)


def strip_tracking(url: str) -> str:
    """The URL without campaign/click-tracking parameters, so equal links compare equal."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url.strip()
    if not parts.query:
        return urlunsplit(parts)
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not _TRACKING_PARAM.match(k)
    ]
    return urlunsplit(parts._replace(query=urlencode(query)))


def cap_bytes(text: str, limit: int) -> tuple[str, bool]:
    """`text` cut to at most `limit` UTF-8 bytes (never mid-character); True when cut."""
    if len(text) * 4 <= limit:  # cheap exit: cannot exceed even if every char is 4 bytes
        return text, False
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text, False
    return data[:limit].decode("utf-8", "ignore"), True
