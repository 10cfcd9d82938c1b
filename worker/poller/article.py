"""Full articles for summary-only feeds: fetch each new entry's page, extract its body.

Miniflux's "Fetch original content", done by the poller: for a feed with `full_article`
on, each fresh entry's link is fetched through the poller's guarded client (the
private-address guard on every hop, the host's request budget shared with the feed
fetches) and trafilatura extracts the page's main content as HTML that keeps headings,
paragraphs, lists and tables, which the cleaner turns into blocks. Bounded: a body cap
(which also caps what trafilatura parses), one deadline per article, a few articles at
a time. Whatever goes wrong, the entry keeps the feed's own content and carries the
reason in `warnings`: no item is lost or held back by its page.
"""

from __future__ import annotations

import asyncio
import re
from email.message import Message
from urllib.parse import urlparse

import httpx
import structlog
from selectolax.lexbor import LexborHTMLParser

from worker.poller.fetch import FetchResult, fetch
from worker.poller.politeness import HostGate
from worker.record import Entry
from worker.settings import Settings

log = structlog.get_logger(__name__)

HTML_TYPES = ("text/html", "application/xhtml+xml")
META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w.:-]+)""", re.IGNORECASE)


class ArticleError(Exception):
    """Why a page cannot stand in for the feed's content (it becomes the entry's warning)."""


class Articles:
    """Swaps fresh entries' feed content for their linked articles, politely and bounded."""

    def __init__(self, client: httpx.AsyncClient, settings: Settings, gate: HostGate) -> None:
        self.client = client
        self.gate = gate
        self.max_bytes = settings.article_max_bytes
        self.timeout = settings.article_timeout_s
        self._slots = asyncio.Semaphore(settings.article_concurrency)

    async def enrich(self, feed_url: str, entries: list[Entry]) -> int:
        """Put each entry's article in its content_html, or the reason it could not in its
        warnings. Returns how many failed."""
        done = await asyncio.gather(*(self._enrich(feed_url, e) for e in entries))
        return done.count(False)

    async def _enrich(self, feed_url: str, entry: Entry) -> bool:
        try:
            entry.content_html = await self.article(entry)
            return True
        except ArticleError as exc:
            reason = str(exc)
        except Exception as exc:  # an odd link or a bug: the entry still goes, the feed too
            log.exception("article.crashed", feed=feed_url, url=entry.url)
            reason = f"{type(exc).__name__}: {exc}"
        where = f" from {entry.url}" if entry.url else ""
        entry.warnings.append(f"full article: {reason}{where}")
        log.warning("article.failed", feed=feed_url, url=entry.url, reason=reason)
        return False

    async def article(self, entry: Entry) -> str:
        """The extracted body of the entry's page, if it says more than the feed did."""
        url = entry.url or ""
        parts = urlparse(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            # Never a file: or a bare path, which `fetch` would read from local disk.
            raise ArticleError("no http(s) link to fetch")
        async with self._slots:
            try:
                # One deadline for the whole article: waiting for the host's budget,
                # fetching and extracting (fetch's own, equal, deadline starts later).
                async with asyncio.timeout(self.timeout):
                    await self._budget(parts.hostname)
                    result = await fetch(
                        self.client,
                        url,
                        etag=None,
                        last_modified=None,
                        max_bytes=self.max_bytes,
                        total_timeout=self.timeout,
                    )
                    # A thread, as lxml parsing is CPU work; one cut short by the deadline
                    # runs on to its end, which the body cap keeps short.
                    html = await asyncio.to_thread(extract, page_text(result), url)
            except TimeoutError:
                raise ArticleError(f"timeout after {self.timeout:g} s") from None
        return longer_than_feed(html, entry)

    async def _budget(self, host: str) -> None:
        """Wait for a token of the host's request budget, which its feed fetches share.

        Not the host's fetch slots: the feed's own fetch holds one while its articles
        are fetched, so two feeds of one host would wait on each other.
        """
        while wait := self.gate.admit(host):
            await asyncio.sleep(wait)


def page_text(result: FetchResult) -> str:
    """The fetched page as text, if it is an HTML page."""
    if not result.ok:
        raise ArticleError(result.error or f"HTTP {result.status}")
    content_type = result.headers.get("content-type", "")
    media = content_type.split(";", 1)[0].strip().lower()
    if media not in HTML_TYPES:
        raise ArticleError(f"not an HTML page ({media or 'no content type'})")
    return decode(result.body, content_type)


def decode(body: bytes, content_type: str) -> str:
    """The body in the charset the response names, else its <meta charset>, else UTF-8.

    Undecodable bytes become U+FFFD: a stray byte should not cost the whole article.
    """
    header = Message()
    header["content-type"] = content_type
    charset = header.get_content_charset()
    if charset is None and (meta := META_CHARSET.search(body[:4096])):
        charset = meta.group(1).decode("ascii")
    try:
        return body.decode(charset or "utf-8", errors="replace")
    except LookupError:  # a charset name Python does not know
        return body.decode("utf-8", errors="replace")


def extract(page: str, url: str) -> str:
    """The page's main content as HTML: headings, paragraphs, lists, tables and links kept,
    comments left out; favouring recall, as a summary is what we would fall back to."""
    import trafilatura  # imported on first use: only pollers with full-article feeds pay for it

    try:
        found = trafilatura.extract(
            page,
            url=url,
            output_format="html",
            favor_recall=True,
            include_tables=True,
            include_formatting=True,
            include_links=True,
            include_comments=False,
        )
    except Exception as exc:  # a bug in the extractor must not fail the poll
        raise ArticleError(f"extraction failed ({type(exc).__name__}: {exc})") from exc
    return found or ""


def longer_than_feed(html: str, entry: Entry) -> str:
    """The article, unless it says less than the feed's own content already did."""
    got = text_length(html)
    own = text_length(entry.content_html or entry.summary)
    if not got:
        raise ArticleError("extraction empty")
    if got < own:
        raise ArticleError(f"extraction shorter than the feed's content ({got} < {own} characters)")
    return html


def text_length(html: str | None) -> int:
    """Characters of text in `html`, whitespace aside: how much a body says."""
    if not html:
        return 0
    root = LexborHTMLParser(html).root
    return len("".join(root.text(separator=" ").split())) if root else 0
