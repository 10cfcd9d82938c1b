"""The exact-duplicate fingerprint (Labels.text_hash).

Feeds republish the same story with cosmetic differences: curly vs straight quotes, a
changed line break, a title case change, a trailing full stop. Those must not defeat exact
duplicate detection, so the text is folded to its words before hashing. Near and spun
duplicates are a different problem, solved elsewhere.
"""

from __future__ import annotations

import hashlib
import unicodedata

from worker.classify.matching import to_words


def text_fingerprint(text: str) -> str:
    """A 32-hex-digit hash of `text`'s words, ignoring case, whitespace and punctuation.

    Text with no words gives "" (the Labels default), so that empty items never count
    as duplicates of each other.
    """
    if not unicodedata.is_normalized("NFKC", text):  # the check is much cheaper than a copy
        text = unicodedata.normalize("NFKC", text)
    folded = text.casefold()
    words = to_words(folded).split()
    if not words:
        return ""
    return hashlib.blake2b(" ".join(words).encode("utf-8"), digest_size=16).hexdigest()
