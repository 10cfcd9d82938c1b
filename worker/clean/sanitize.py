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
# UTF-8 decoded as cp1252/latin-1 leaves a lead letter followed by a continuation sign;
# checking for that first keeps ftfy (slow on long text) off the clean majority.
_MOJIBAKE_HINT = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192"
    "\u02c6\u02dc\u2013\u2014\u2018-\u201a\u201c-\u201e\u2020-\u2022\u2026\u2030"
    "\u2039\u203a\u20ac\u2122]"
)
_FTFY = ftfy.TextFixerConfig(
    unescape_html=False,
    uncurl_quotes=False,
    fix_character_width=False,
    fix_line_breaks=False,
    explain=False,
)


def repair_mojibake(text: str) -> str:
    """Undo double-encoded UTF-8 ("Ã©" -> "é", "â€™" -> "’") where it is present."""
    if text.isascii() or not _MOJIBAKE_HINT.search(text):
        return text
    return ftfy.fix_text(text, _FTFY)


def normalize_line(text: str) -> str:
    """One line of display text: NFC, no invisibles or controls, single spaces, trimmed."""
    if not text.isascii():
        text = _INVISIBLE.sub("", text)
        if not unicodedata.is_normalized("NFC", text):
            text = unicodedata.normalize("NFC", text)
    if _CONTROL.search(text):
        text = _CONTROL.sub(" ", text)
    return " ".join(text.split())  # str.split() knows every Unicode space, NBSP included


def normalize_text(text: str) -> str:
    """Multi-line text: mojibake repaired, each line normalised, line breaks unified."""
    text = repair_mojibake(text.replace("\r\n", "\n").replace("\r", "\n"))
    return "\n".join(normalize_line(line) for line in text.split("\n"))


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
