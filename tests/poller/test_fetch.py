"""Fetching against a real local HTTP server: conditional GET, caps and errors."""

from __future__ import annotations

from tests.support.feedserver import FeedServer
from worker.poller.fetch import fetch


async def test_a_second_fetch_with_the_etag_is_not_modified(client, feed_server: FeedServer):
    url = feed_server.url("atom.xml")
    first = await fetch(client, url, etag=None, last_modified=None, max_bytes=10**6)

    second = await fetch(client, url, etag=first.etag, last_modified=None, max_bytes=10**6)

    assert first.ok and first.body.startswith(b"<?xml")
    assert second.not_modified


async def test_a_body_over_the_cap_is_refused(client, feed_server: FeedServer) -> None:
    result = await fetch(
        client, feed_server.url("autoblog.xml"), etag=None, last_modified=None, max_bytes=100
    )

    assert not result.ok
    assert "larger than 100 bytes" in result.error


async def test_an_http_error_is_reported_with_its_status(client, feed_server: FeedServer):
    result = await fetch(
        client, feed_server.url("missing.xml"), etag=None, last_modified=None, max_bytes=10**6
    )

    assert (result.status, result.error) == (404, "HTTP 404")


async def test_a_local_file_is_not_modified_until_it_changes(client, tmp_path) -> None:
    path = tmp_path / "feed.xml"
    path.write_text("<rss/>")
    first = await fetch(client, str(path), etag=None, last_modified=None, max_bytes=10**6)

    again = await fetch(client, f"file://{path}", etag=first.etag, last_modified=None,
                        max_bytes=10**6)  # fmt: skip

    assert first.ok and again.not_modified
