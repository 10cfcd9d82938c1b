"""Is this a copy of someone else's story, and what was the original called?"""

from __future__ import annotations

from worker.clean.sanitize import has_path, host_of
from worker.clean.slug import disagrees, headline, parse_slug
from worker.record import Attribution, Syndication


def _same_site(name: str, url: str | None) -> bool:
    """True when publisher `name` (a URL, domain or name) is the site that `url` is on."""
    host = host_of(url)
    other = host_of(name) if "://" in name else name.lower().removeprefix("www.")
    if not host or not other:
        return False
    squeezed = other.replace(" ", "")
    return host == other or host.endswith("." + other) or squeezed in host.replace(".", "")


def syndication(
    title: str, text: str, url: str | None, attribution: Attribution, has_footer: bool
) -> Syndication:
    """Syndication facts from the attribution and the slug of the source link or own link."""
    names = [n for n in (attribution.source_url, attribution.publisher) if n]
    is_syndicated = has_footer or any(not _same_site(n, url) for n in names)
    # The autoblog's own link carries the "-bbc-com" suffix; otherwise any headline slug.
    slugs = [parse_slug(u) for u in (attribution.source_url, url)]
    words, slug_publisher = max(slugs, key=lambda s: (s[1] is not None, bool(s[0])))
    original_title = headline(words, text, title) if words and disagrees(words, title) else None
    source = attribution.source_url
    return Syndication(
        is_syndicated=is_syndicated,
        canonical_url=source if is_syndicated and source and has_path(source) else None,
        original_title=original_title,
        original_publisher=slug_publisher or (attribution.publisher if is_syndicated else None),
    )
