"""Hostile feeds against a real local server: time and memory stay bounded, the feed
records a clear error (or its entries come through clean), nothing crashes."""

from __future__ import annotations

import resource
import time

import pytest

from tests.poller.conftest import Enqueued, poll_once
from tests.support import hostile
from worker.poller.poll import Poller
from worker.store.repository import Store

RSS_FEED = (
    b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
    b"<item><guid>a</guid><title>Calm story</title><description>Plain words.</description>"
    b"</item></channel></rss>"
)
BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
<!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
<!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
<!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]>
<rss version="2.0"><channel><title>&lol9;</title><item><guid>x</guid>
<title>&lol9;</title><description>&lol9;</description></item></channel></rss>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>t</title><item><guid>x</guid><title>leak</title>
<description>&secret;</description></item></channel></rss>"""
BAD_ENCODING = RSS_FEED.replace(b"Plain words.", b"Caf\xe9 \xff\xfe na\xefve")
GIANT = RSS_FEED.replace(b"Plain words.", b"<![CDATA[" + b"<p>word </p>" * 400_000 + b"]]>")
SCRIPTS = RSS_FEED.replace(
    b"<description>Plain words.</description>",
    b"<description><![CDATA[<p>Real text.</p><script>alert('x')</script>"
    b"<img src=x onerror=alert(1)><iframe src='https://evil.example'></iframe>]]></description>",
)

ROUTES = {
    "/slowloris": hostile.slowloris,
    "/reset": hostile.reset,
    "/truncated-gzip": hostile.truncated_gzip(RSS_FEED * 50),
    "/loop": hostile.redirect_to("/loop"),
    "/endless": hostile.endless,
    "/billion-laughs": hostile.body(BILLION_LAUGHS),
    "/external-entity": hostile.body(EXTERNAL_ENTITY),
    "/bad-encoding": hostile.body(BAD_ENCODING),
    "/giant-entry": hostile.body(GIANT),
    "/scripts": hostile.body(SCRIPTS),
}
MAX_SECONDS = 15
MAX_GROWTH_MB = 300


@pytest.fixture(scope="module")
def hostile_server():
    server = hostile.HostileServer(ROUTES)
    yield server
    server.close()


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def poll_and_process(store: Store, poller: Poller, enqueued: Enqueued, url: str):
    before, started = peak_rss_mb(), time.monotonic()
    feed, stats = await poll_once(store, poller, url)
    results = enqueued.process(store)
    assert time.monotonic() - started < MAX_SECONDS
    assert peak_rss_mb() - before < MAX_GROWTH_MB
    return feed, stats, results


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/slowloris", "timeout"),
        ("/reset", "connection broke"),
        ("/truncated-gzip", "cut short"),
        ("/loop", "redirect"),
        ("/endless", "larger than"),
    ],
)
async def test_a_broken_transfer_is_a_recorded_error(
    hostile_server, store, poller, enqueued, settings, path: str, reason: str
) -> None:
    settings.fetch_max_bytes = 1_000_000
    feed, stats, _ = await poll_and_process(store, poller, enqueued, hostile_server.url(path))

    assert stats.feeds_failed == 1
    assert feed.last_error and reason.lower() in feed.last_error.lower()


async def test_a_billion_laughs_bomb_does_not_expand(hostile_server, store, poller, enqueued):
    feed, _stats, results = await poll_and_process(
        store, poller, enqueued, hostile_server.url("/billion-laughs")
    )

    stored = [r for res in results for r in res.records]
    assert all(len(r.title) + len(r.text) < 100_000 for r in stored)
    assert feed.last_error or feed.last_warning or stored


async def test_an_external_entity_is_never_resolved(hostile_server, store, poller, enqueued):
    _feed, _stats, results = await poll_and_process(
        store, poller, enqueued, hostile_server.url("/external-entity")
    )

    stored = [r for res in results for r in res.records]
    assert all("root:" not in r.text for r in stored)


async def test_invalid_bytes_still_give_an_entry(hostile_server, store, poller, enqueued):
    _feed, _stats, results = await poll_and_process(
        store, poller, enqueued, hostile_server.url("/bad-encoding")
    )

    [record] = [r for res in results for r in res.records]
    assert record.title == "Calm story"


async def test_a_giant_entry_is_cut_to_size_with_a_reason(hostile_server, store, poller, enqueued):
    _feed, _stats, results = await poll_and_process(
        store, poller, enqueued, hostile_server.url("/giant-entry")
    )

    [record] = [r for res in results for r in res.records]
    assert len(record.text) < 2_500_000
    assert record.warnings


async def test_scripts_and_frames_never_reach_the_text(hostile_server, store, poller, enqueued):
    _feed, _stats, results = await poll_and_process(
        store, poller, enqueued, hostile_server.url("/scripts")
    )

    [record] = [r for res in results for r in res.records]
    assert record.text == "Real text."
