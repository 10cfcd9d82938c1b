"""The poller against the misbehaving server, on SQLite and PostgreSQL (the `store` fixture)."""

from __future__ import annotations

from datetime import timedelta
from email.utils import format_datetime

import pytest

from tests.poller.builders import item, json_feed, rss
from tests.poller.conftest import poll_once
from tests.support.misbehaving import Reply
from worker.poller.politeness import HostGate
from worker.poller.poll import Poller
from worker.store.repository import Store, utcnow

HOUR = timedelta(hours=1)
BUSY = [item(i, age=timedelta(minutes=i)) for i in range(300)]  # 300 a week


def within(value, expected, slack=timedelta(minutes=1)) -> bool:
    return expected - slack <= value <= expected + slack


async def test_a_304_keeps_the_validators_and_enqueues_nothing(store, poller, server, enqueued):
    url = server.route("/feed", Reply(body=rss(item(1)), etag='"v1"'))
    await poll_once(store, poller, url)

    feed, stats = await poll_once(store, poller, url)

    assert stats.not_modified == 1
    assert server.seen("/feed")[1].headers["If-None-Match"] == '"v1"'
    assert (feed.status, feed.etag, len(enqueued.entries)) == ("ok", '"v1"', 1)


async def test_a_410_disables_the_feed(store, poller, server):
    feed, _ = await poll_once(store, poller, server.route("/feed", Reply(410)))

    assert (feed.enabled, feed.status) == (False, "disabled")
    assert store.claim_feeds(due_only=False, lease=HOUR) == []


async def test_a_429_waits_out_its_retry_after_for_that_feed_only(store, poller, server):
    url = server.route("/limited", Reply(429, headers={"Retry-After": "7200"}))
    other = server.route("/other", Reply(body=rss(item(1))))
    store.add_feeds([(other, None, None)])

    feed, _ = await poll_once(store, poller, url)

    assert within(feed.retry_after_until, utcnow() + 2 * HOUR)
    assert feed.next_poll_at >= feed.retry_after_until
    assert feed.soft_errors == 1
    assert [f.url for f in store.claim_feeds(due_only=False, lease=HOUR)] == [other]


async def test_a_503_retry_after_http_date_is_honoured_and_capped_at_a_day(store, poller, server):
    later = format_datetime(utcnow() + timedelta(days=3), usegmt=True)
    url = server.route("/feed", Reply(503, headers={"Retry-After": later}))

    feed, _ = await poll_once(store, poller, url)

    assert within(feed.retry_after_until, utcnow() + timedelta(hours=24))


async def test_soft_and_hard_errors_are_counted_apart(store, poller, server):
    url = server.route("/feed", Reply(500), Reply(404))
    await poll_once(store, poller, url)

    feed, _ = await poll_once(store, poller, url)

    assert (feed.error_count, feed.soft_errors, feed.hard_errors) == (2, 1, 1)
    assert (feed.status, feed.last_error) == ("error", "HTTP 404")


async def test_backoff_grows_with_consecutive_failures(store, poller, server):
    url = server.route("/feed", Reply(500))
    first, _ = await poll_once(store, poller, url)
    second, _ = await poll_once(store, poller, url)

    third, _ = await poll_once(store, poller, url)

    gaps = [f.next_poll_at - f.last_polled_at for f in (first, second, third)]
    assert gaps[0] < gaps[1] < gaps[2] <= timedelta(hours=24) * 1.25


async def test_after_thirty_days_of_failure_a_feed_is_dead_and_probed_weekly(
    store: Store, poller, server
):
    url = server.route("/feed", Reply(500))
    store.add_feeds([(url, None, None)])
    store.feeds.update(store.get_feed(url).id, failing_since=utcnow() - timedelta(days=31))

    feed, _ = await poll_once(store, poller, url)

    assert feed.status == "dead"
    assert feed.next_poll_at - feed.last_polled_at >= timedelta(days=7)
    assert store.claim_feeds(due_only=False, lease=HOUR) == []


async def test_one_success_resets_the_errors(store, poller, server):
    url = server.route("/feed", Reply(500), Reply(body=rss(item(1))))
    await poll_once(store, poller, url)

    feed, _ = await poll_once(store, poller, url)

    assert (feed.status, feed.error_count, feed.soft_errors, feed.failing_since) == (
        "ok",
        0,
        0,
        None,
    )
    assert feed.last_error == "HTTP 500"  # kept, with its time, for the operator


async def test_a_permanent_redirect_moves_the_feed_after_three_polls(store, poller, server):
    new = server.route("/new", Reply(body=rss(item(1))))
    old = server.route("/old", Reply(301, headers={"Location": new}))
    for _ in range(2):
        feed, _ = await poll_once(store, poller, old)
        assert (feed.fetch_url, feed.redirect_url) == (None, new)

    feed, _ = await poll_once(store, poller, old)

    assert (feed.url, feed.fetch_url, feed.redirect_seen) == (old, new, 0)


async def test_an_interrupted_redirect_streak_starts_again(store, poller, server):
    new = server.route("/new", Reply(body=rss(item(1))))
    moved = Reply(301, headers={"Location": new})
    old = server.route("/old", moved, moved, Reply(body=rss(item(1))), moved)
    for _ in range(3):
        await poll_once(store, poller, old)

    feed, _ = await poll_once(store, poller, old)

    assert (feed.fetch_url, feed.redirect_seen) == (None, 1)


async def test_a_moved_feed_keeps_its_item_ids(store, poller, server, enqueued):
    new = server.route("/new", Reply(body=rss(item(1))))
    old = server.route("/old", Reply(301, headers={"Location": new}))

    await poll_once(store, poller, old)

    assert enqueued.entries[0]["feed"] == old


async def test_a_feed_without_guids_is_keyed_by_link(store, poller, server, enqueued):
    url = server.route("/feed", Reply(body=rss(item(1, guid=None), item(2, guid=None))))

    feed, _ = await poll_once(store, poller, url)

    assert feed.key_mode == "link"
    assert [e["entry_key"] for e in enqueued.entries] == [
        "https://news.example/1",
        "https://news.example/2",
    ]


async def test_repeated_guids_switch_the_feed_to_links(store, poller, server, enqueued):
    url = server.route("/feed", Reply(body=rss(item(1, guid="same"), item(2, guid="same"))))

    feed, _ = await poll_once(store, poller, url)

    assert feed.key_mode == "link"
    assert len(enqueued.entries) == 2


async def test_churning_guids_switch_the_feed_to_links(store, poller, server):
    def fetch_n(n: int) -> Reply:
        return Reply(body=rss(*(item(i, guid=f"{n}-{i}") for i in range(3))))

    url = server.route("/feed", fetch_n(1), fetch_n(2))
    await poll_once(store, poller, url)

    feed, _ = await poll_once(store, poller, url)

    assert feed.key_mode == "link"


async def test_once_keyed_by_link_churning_guids_make_no_new_items(store, poller, server, enqueued):
    def fetch_n(n: int) -> Reply:
        return Reply(body=rss(*(item(i, guid=f"{n}-{i}") for i in range(3))))

    url = server.route("/feed", fetch_n(1), fetch_n(2), fetch_n(3))
    for _ in range(2):
        await poll_once(store, poller, url)
        enqueued.process(store)

    await poll_once(store, poller, url)

    assert enqueued.entries == []


async def test_a_wrongly_declared_charset_still_decodes(store, poller, server, enqueued):
    body = rss(item(1, title="Café crème")).replace(
        "Café crème".encode(), "Café crème".encode("cp1252")
    )
    url = server.route("/feed", Reply(body=body, content_type="application/rss+xml; charset=utf-8"))

    feed, _ = await poll_once(store, poller, url)

    assert enqueued.entries[0]["title"] == "Café crème"
    assert feed.last_warning


async def test_an_ill_formed_feed_yields_entries_with_a_warning(store, poller, server, enqueued):
    url = server.route("/feed", Reply(body=rss(item(1), item(2)).replace(b"</channel></rss>", b"")))

    feed, _ = await poll_once(store, poller, url)

    assert len(enqueued.entries) == 2
    assert (feed.status, feed.last_warning.startswith("ill-formed feed")) == ("ok", True)


async def test_an_unparseable_body_is_a_hard_error(store, poller, server):
    url = server.route("/feed", Reply(body=b"<html><body>Moved to our new site"))

    feed, _ = await poll_once(store, poller, url)

    assert (feed.status, feed.hard_errors) == ("error", 1)
    assert feed.last_error.startswith("unparseable")


async def test_a_json_feed_is_polled_like_any_other(store, poller, server, enqueued):
    body = json_feed(
        {
            "id": "j1",
            "url": "https://news.example/j1",
            "title": "JSON story",
            "content_html": "<p>Text.</p>",
            "date_published": "2026-01-02T03:04:05Z",
        }
    )
    url = server.route("/feed.json", Reply(body=body, content_type="application/feed+json"))

    await poll_once(store, poller, url)

    [entry] = enqueued.entries
    assert (entry["entry_key"], entry["title"], entry["published_at"]) == (
        "j1",
        "JSON story",
        "2026-01-02T03:04:05+00:00",
    )


async def test_a_changed_entry_is_stored_as_an_update_of_the_same_item(
    store: Store, poller, server, enqueued
):
    url = server.route("/feed", Reply(body=rss(item(1))), Reply(body=rss(item(1, body="Fixed."))))
    await poll_once(store, poller, url)
    [first] = enqueued.process(store)

    await poll_once(store, poller, url)
    [second] = enqueued.process(store)

    assert (first.created, second.created, second.updated) == (1, 0, 1)
    [record] = second.records
    assert (record.version, record.text) == (2, "Fixed.")
    store.stamp_outbox(10)
    assert [e.type for e in store.stamped_unsent(10)] == ["item.created", "item.updated"]


async def test_the_interval_follows_the_entry_frequency(store, poller, server):
    body = rss(*(item(i, age=timedelta(hours=i * 7)) for i in range(12)))  # 12 in 84 h

    feed, _ = await poll_once(store, poller, server.route("/feed", Reply(body=body)))

    assert feed.interval_s == 7 * 86_400 // 12 == 50_400


async def test_a_ttl_lengthens_the_interval(store, poller, server):
    body = rss(*BUSY, channel="<ttl>120</ttl>")  # entries alone: every 2016 s

    feed, _ = await poll_once(store, poller, server.route("/feed", Reply(body=body)))

    assert feed.interval_s == 7200


async def test_cache_control_lengthens_but_never_shortens(store, poller, server):
    busy = rss(*BUSY)  # entries alone: every 2016 s
    url = server.route(
        "/feed",
        Reply(body=busy, headers={"Cache-Control": "max-age=3600"}),
        Reply(body=busy, headers={"Cache-Control": "max-age=0"}),
    )
    long, _ = await poll_once(store, poller, url)

    short, _ = await poll_once(store, poller, url)

    assert (long.interval_s, short.interval_s) == (3600, 2016)


async def test_a_feed_can_override_its_interval_bounds(store: Store, poller, server):
    url = server.route("/feed", Reply(body=rss(item(1, age=timedelta(days=30)))))
    store.add_feeds([(url, None, None)])
    store.feeds.update(store.get_feed(url).id, max_interval_s=3600)

    feed, _ = await poll_once(store, poller, url)

    assert feed.interval_s == 3600


async def test_a_feed_over_its_hosts_budget_is_deferred_not_failed(
    store, client, enqueued, settings, server
):
    poller = Poller(store, client, enqueued, settings, gate=HostGate(2, rate=0.01, burst=1))
    urls = [server.route(f"/f{n}", Reply(body=rss(item(n)))) for n in range(3)]
    store.add_feeds([(u, None, None) for u in urls])

    stats = await poller.poll(store.claim_feeds(due_only=True, lease=HOUR))

    assert (stats.feeds_polled, stats.deferred, stats.feeds_failed) == (1, 2, 0)
    deferred = [f for f in store.list_feeds() if f.last_polled_at is None]
    assert [f.status for f in deferred] == ["new", "new"]
    assert all(f.next_poll_at > utcnow() for f in deferred)


async def test_at_most_two_fetches_run_at_once_per_host(store, poller, server):
    urls = [server.route(f"/f{n}", Reply(body=rss(item(n)), delay=0.2)) for n in range(6)]
    store.add_feeds([(u, None, None) for u in urls])

    stats = await poller.poll(store.claim_feeds(due_only=True, lease=HOUR))

    assert stats.feeds_polled == 6
    assert max(server.most_in_flight.values()) == 2


@pytest.mark.parametrize("due_only", [True, False])
def test_two_pollers_never_claim_the_same_feed(store: Store, due_only: bool):
    store.add_feeds([(f"https://news.example/{n}.xml", None, None) for n in range(10)])

    first = store.claim_feeds(due_only=due_only, lease=HOUR, limit=6)
    second = store.claim_feeds(due_only=due_only, lease=HOUR, limit=6)

    assert (len(first), len(second)) == (6, 4)
    assert not {f.id for f in first} & {f.id for f in second}


def test_the_most_overdue_feeds_are_claimed_first(store: Store):
    store.add_feeds([(f"https://news.example/{n}.xml", None, None) for n in range(3)])
    for n, hours in enumerate([1, 3, 2]):
        feed = store.get_feed(f"https://news.example/{n}.xml")
        store.feeds.update(feed.id, next_poll_at=utcnow() - timedelta(hours=hours))

    claimed = store.claim_feeds(due_only=True, lease=HOUR, limit=2)

    assert [f.url[-5:] for f in claimed] == ["1.xml", "2.xml"]


def test_an_expired_lease_can_be_claimed_again(store: Store):
    store.add_feeds([("https://news.example/a.xml", None, None)])
    store.claim_feeds(due_only=True, lease=timedelta(seconds=-1))

    assert len(store.claim_feeds(due_only=True, lease=HOUR)) == 1
