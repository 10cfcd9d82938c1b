"""Full articles: a summary-only feed's entries get their linked page's extracted body.

The poller runs end to end against the misbehaving server (pages and feeds alike), on
SQLite and PostgreSQL (the `store` fixture); the enqueued entries are what a worker gets.
"""

from __future__ import annotations

import httpx
import pytest

from tests.poller.builders import item, rss
from tests.poller.conftest import Enqueued
from tests.support.misbehaving import MisbehavingServer, Reply
from worker.poller.article import Articles
from worker.poller.fetch import make_client
from worker.poller.politeness import HostGate
from worker.poller.poll import Ingestor, Poller, PollStats, gate_for
from worker.record import Entry
from worker.settings import Settings
from worker.store.repository import Store

SUMMARY = "The council approved the harbour expansion."
PARAGRAPHS = [
    "The regional council approved the harbour expansion on Tuesday evening, ending a "
    "review that lasted almost three years and drew thousands of public comments.",
    "The plan adds two deep-water berths, a rail spur and a dredged turning basin, and "
    "sets aside land for a public waterfront park along the eastern quay.",
    "Opponents said they would study the decision before deciding whether to appeal, "
    "while the port authority said building could begin next spring.",
]
HTML = "text/html; charset=utf-8"
EMPTY_PAGE = (
    b"<!doctype html><html><head><title>Moved</title></head><body><div></div></body></html>"
)


def page(body: str = "", *, title: str = "Harbour expansion approved") -> bytes:
    """A news page: site navigation and footer around the article (unless `body` is given)."""
    article = body or (
        f"<h1>{title}</h1><p>{PARAGRAPHS[0]}</p>"
        f"<h2>What the plan includes</h2><p>{PARAGRAPHS[1]}</p>"
        "<ul><li>Two deep-water berths</li><li>A rail spur to the freight line</li>"
        "<li>A waterfront park of twelve hectares</li></ul>"
        "<h2>Costs by phase</h2><table><thead><tr><th>Phase</th><th>Cost</th></tr></thead>"
        "<tbody><tr><td>Berths</td><td>420 million</td></tr>"
        "<tr><td>Rail spur</td><td>95 million</td></tr></tbody></table>"
        f"<p>{PARAGRAPHS[2]}</p>"
    )
    return (
        f"<!doctype html><html><head><title>{title} | Coast News</title></head><body>"
        '<nav><a href="/">Home</a> <a href="/sport">Sport</a></nav>'
        f"<main><article>{article}</article></main>"
        "<footer><p>Copyright Coast News. All rights reserved.</p></footer></body></html>"
    ).encode()


def summary_feed(server: MisbehavingServer, link: str, summary: str = SUMMARY) -> str:
    """A feed whose one entry links to `link` and says only `summary`."""
    return server.route("/feed", Reply(body=rss(item(1, link=link, body=summary))))


def poller_for(store: Store, client, enqueued, settings: Settings, **changes) -> Poller:
    return Poller(store, client, enqueued, settings.model_copy(update=changes))


async def poll_full_article(
    store: Store, poller: Poller, url: str, *, full_article: bool = True
) -> PollStats:
    store.feeds.add([(url, None, None, full_article)])
    return await poller.poll([store.get_feed(url)])


def only_entry(enqueued: Enqueued) -> Entry:
    [entry] = enqueued.entries
    return Entry.from_dict(entry)


async def test_a_summary_only_feed_gets_the_articles_headings_list_and_table(
    store, poller, server, enqueued
):
    link = server.route("/story", Reply(body=page(), content_type=HTML))

    stats = await poll_full_article(store, poller, summary_feed(server, link))

    entry = only_entry(enqueued)
    for kept in ("<h2>What the plan includes</h2>", "<li>A rail spur", "<td>420 million</td>"):
        assert kept in entry.content_html
    assert "All rights reserved" not in entry.content_html
    assert (entry.summary, entry.warnings) == (SUMMARY, [])
    assert (stats.articles_fetched, stats.articles_failed) == (1, 0)


async def test_the_stored_item_text_is_the_articles_not_the_summarys(
    store, poller, server, enqueued
):
    link = server.route("/story", Reply(body=page(), content_type=HTML))
    await poll_full_article(store, poller, summary_feed(server, link))

    [saved] = enqueued.process(store)

    text = store.get_item(saved.records[0].id).text
    assert all(p in text for p in PARAGRAPHS)
    assert "- Two deep-water berths" in text
    assert "| Berths | 420 million |" in text


async def test_with_the_option_off_the_linked_page_is_never_requested(
    store, poller, server, enqueued
):
    link = server.route("/story", Reply(body=page(), content_type=HTML))

    await poll_full_article(store, poller, summary_feed(server, link), full_article=False)

    assert server.seen("/story") == []
    assert (only_entry(enqueued).content_html, only_entry(enqueued).warnings) == (None, [])


async def test_an_entry_already_seen_is_not_fetched_again(store, poller, server, enqueued):
    link = server.route("/story", Reply(body=page(), content_type=HTML))
    feed = summary_feed(server, link)
    await poll_full_article(store, poller, feed)
    enqueued.process(store)

    await poller.poll([store.get_feed(feed)])

    assert len(server.seen("/story")) == 1


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        (Reply(404, b"not found", content_type=HTML), "HTTP 404"),
        (
            Reply(body=b"%PDF-1.7", content_type="application/pdf"),
            "not an HTML page (application/pdf)",
        ),
        (Reply(body=EMPTY_PAGE, content_type=HTML), "extraction empty"),
    ],
    ids=["http-404", "not-html", "extraction-empty"],
)
async def test_a_page_that_fails_leaves_the_summary_and_says_why(
    store, poller, server, enqueued, reply, reason
):
    link = server.route("/story", reply)

    stats = await poll_full_article(store, poller, summary_feed(server, link))

    entry = only_entry(enqueued)
    assert (entry.content_html, entry.summary) == (None, SUMMARY)
    assert entry.warnings == [f"full article: {reason} from {link}"]
    assert (stats.articles_fetched, stats.articles_failed) == (0, 1)


@pytest.mark.parametrize(
    ("reply", "cap", "reason"),
    [
        ({}, {"article_max_bytes": 1000}, "body larger than 1000 bytes"),
        ({"delay": 2}, {"article_timeout_s": 0.3}, "timeout after 0.3 s"),
    ],
    ids=["over the size cap", "slower than the time cap"],
)
async def test_a_page_beyond_a_cap_leaves_the_summary(
    store, client, server, enqueued, settings, reply, cap, reason
):
    link = server.route("/story", Reply(body=page(), content_type=HTML, **reply))
    poller = poller_for(store, client, enqueued, settings, **cap)

    await poll_full_article(store, poller, summary_feed(server, link))

    entry = only_entry(enqueued)
    assert entry.content_html is None
    assert entry.warnings == [f"full article: {reason} from {link}"]


async def test_an_article_shorter_than_the_feeds_own_content_is_not_used(
    store, poller, server, enqueued
):
    long_summary = " ".join(PARAGRAPHS)
    link = server.route("/story", Reply(body=page(f"<p>{PARAGRAPHS[0]}</p>"), content_type=HTML))

    await poll_full_article(store, poller, summary_feed(server, link, long_summary))

    entry = only_entry(enqueued)
    assert entry.content_html is None
    assert entry.warnings[0].startswith("full article: extraction shorter than the feed's")


async def test_a_non_http_link_is_never_read(store, poller, server, enqueued, tmp_path):
    secret = tmp_path / "secret.html"
    secret.write_bytes(page())

    await poll_full_article(store, poller, summary_feed(server, f"file://{secret}"))

    entry = only_entry(enqueued)
    assert entry.content_html is None
    assert entry.warnings[0].startswith("full article: no http(s) link to fetch from file:")


async def test_a_malformed_link_falls_back_without_failing_the_feed(
    store, poller, server, enqueued
):
    stats = await poll_full_article(store, poller, summary_feed(server, "http://[::1/story"))

    assert stats.feeds_failed == 0
    assert only_entry(enqueued).warnings == [
        "full article: ValueError: Invalid IPv6 URL from http://[::1/story"
    ]


async def test_the_fallback_reason_comes_first_in_the_items_warnings(
    store, poller, server, enqueued
):
    link = server.route("/story", Reply(404, content_type=HTML))
    await poll_full_article(store, poller, summary_feed(server, link))

    [saved] = enqueued.process(store)

    stored = store.get_item(saved.records[0].id)
    assert stored.warnings[0] == f"full article: HTTP 404 from {link}"
    assert stored.text == SUMMARY


async def test_a_link_to_a_blocked_address_is_refused_without_a_request(
    store, server, enqueued, settings
):
    """No allow-list: the guard refuses 127.0.0.1 before connecting."""
    link = server.route("/story", Reply(body=page(), content_type=HTML))
    feed_url = "https://news.example/feed"
    store.feeds.add([(feed_url, None, None, True)])
    async with make_client(
        allowed=(), connect_timeout=2, total_timeout=3, contact="https://ops.example"
    ) as guarded:
        articles = Articles(guarded, settings, gate_for(settings))
        ingestor = Ingestor(store, enqueued, settings, articles)
        await ingestor.ingest(store.get_feed(feed_url), rss(item(1, link=link)), None)

    assert server.seen("/story") == []
    [warning] = only_entry(enqueued).warnings
    assert warning.startswith("full article: 127.0.0.1 resolves to a private or reserved address")


async def test_a_pushed_entry_gets_its_article_through_a_client_of_its_own(
    store, server, enqueued, settings
):
    """WebSub pushes reach the Ingestor without a poller: no client, no host gate."""
    link = server.route("/story", Reply(body=page(), content_type=HTML))
    feed_url = "https://news.example/feed"
    store.feeds.add([(feed_url, None, None, True)])

    await Ingestor(store, enqueued, settings).ingest(
        store.get_feed(feed_url), rss(item(1, link=link, body=SUMMARY)), None
    )

    assert "<td>420 million</td>" in only_entry(enqueued).content_html


async def test_the_page_is_decoded_with_the_charset_of_its_response(
    store, poller, server, enqueued
):
    body = page(title="Café owners welcome the harbour plan").replace(b"\xc3\xa9", b"\xe9")
    link = server.route("/story", Reply(body=body, content_type="text/html; charset=iso-8859-1"))

    await poll_full_article(store, poller, summary_feed(server, link))

    assert "Café owners" in only_entry(enqueued).content_html


async def test_article_fetches_spend_the_hosts_request_budget(
    store, client: httpx.AsyncClient, server, enqueued, settings
):
    gate = HostGate(2, rate=1.0, burst=2, clock=lambda: 0.0)  # time stands still: no refill
    link = server.route("/story", Reply(body=page(), content_type=HTML))
    poller = Poller(store, client, enqueued, settings, gate)

    await poll_full_article(store, poller, summary_feed(server, link))

    assert only_entry(enqueued).warnings == []
    assert gate.admit("127.0.0.1") > 0  # the feed and its article took both tokens


async def test_only_so_many_articles_are_fetched_at_once(store, client, server, enqueued, settings):
    links = [
        server.route(f"/story/{n}", Reply(body=page(), content_type=HTML, delay=0.2))
        for n in range(6)
    ]
    feed = server.route("/feed", Reply(body=rss(*(item(n, link=u) for n, u in enumerate(links)))))
    poller = poller_for(store, client, enqueued, settings, article_concurrency=2)

    stats = await poll_full_article(store, poller, feed)

    assert stats.articles_fetched == 6
    assert max(server.most_in_flight.values()) == 2


def test_an_entry_enqueued_before_warnings_existed_still_loads() -> None:
    message = Entry(feed="https://news.example/feed", entry_key="k", content_hash="h").to_dict()
    del message["warnings"]

    assert Entry.from_dict(message).warnings == []


def test_an_entry_from_a_newer_poller_loads_without_the_fields_it_adds() -> None:
    message = Entry(feed="https://news.example/feed", entry_key="k", content_hash="h").to_dict()
    message["added_in_a_later_version"] = 1

    assert Entry.from_dict(message).entry_key == "k"
