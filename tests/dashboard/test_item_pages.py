"""Items: search and filters, and an item's page with everything the record carries."""

from __future__ import annotations

import re

import pytest
from starlette.testclient import TestClient

from tests.factories import record, to_all
from worker.record import Attribution, Evidence, ItemRecord, Region, Spin, Topic
from worker.runtime import Runtime
from worker.store.repository import feed_id_for

ECONOMY = Topic("medtop:04000000", "economy, business and finance", 0.8, ["budget", "rates"])


def save(runtime: Runtime, *records: ItemRecord) -> None:
    runtime.store.save_items(feed_id_for(record().feed), list(records), to_all)


@pytest.fixture
def labelled() -> ItemRecord:
    item = record("labelled", text="The central bank held rates at four percent.")
    item.topics = [ECONOMY]
    item.regions = [Region("Germany", "DE", 0.7)]
    item.attribution = Attribution(source_url="https://wire.example/story", publisher="Wire")
    item.spin = Spin(0.9, True, [Evidence(found="charges", likely="rates")])
    return item


def test_search_finds_items_by_their_words(runtime: Runtime, client: TestClient) -> None:
    save(runtime, record("a", text="Harbour reopens."), record("b", text="Council meets."))

    page = client.get("/items?q=harbour").text

    assert "Title a" in page and "Title b" not in page


def test_the_topic_filter_keeps_only_items_with_that_topic(
    runtime: Runtime, client: TestClient, labelled: ItemRecord
) -> None:
    save(runtime, labelled, record("plain", text="Nothing to see."))

    page = client.get(f"/items?topic={ECONOMY.code}").text

    assert "Title labelled" in page and "Title plain" not in page


def test_an_item_page_shows_topics_with_the_terms_that_fired(
    runtime: Runtime, client: TestClient, labelled: ItemRecord
) -> None:
    save(runtime, labelled)

    page = client.get(f"/items/{labelled.id}").text

    assert re.search(r"economy, business and finance.*medtop:04000000.*budget, rates", page, re.S)


def test_an_item_page_shows_regions_attribution_and_spin_evidence(
    runtime: Runtime, client: TestClient, labelled: ItemRecord
) -> None:
    save(runtime, labelled)

    page = client.get(f"/items/{labelled.id}").text

    assert "Germany" in page and "https://wire.example/story" in page
    assert re.search(r"<td>charges</td><td>rates</td>", page)


def test_an_item_page_links_the_original_it_duplicates(
    runtime: Runtime, client: TestClient
) -> None:
    original = record("original", text="Same words.")
    copy = record("copy", text="Same words.", feed="https://mirror.example/feed")
    save(runtime, original)
    save(runtime, copy)

    page = client.get(f"/items/{copy.id}").text

    assert f'<a href="/items/{original.id}">' in page


def test_an_item_page_lists_every_version(runtime: Runtime, client: TestClient) -> None:
    save(runtime, record("a", content_hash="h1"))
    save(runtime, record("a", content_hash="h2", text="Corrected text."))

    page = client.get(f"/items/{record('a').id}").text

    assert "<td>v1</td>" in page and "<td>v2</td>" in page


def test_an_unknown_item_is_a_404(client: TestClient) -> None:
    assert client.get("/items/0000").status_code == 404


def test_a_link_that_is_not_http_is_shown_but_not_clickable(
    runtime: Runtime, client: TestClient
) -> None:
    item = record("sly")
    item.url = "javascript:alert(1)"
    save(runtime, item)

    page = client.get(f"/items/{item.id}").text

    assert "javascript:alert(1)" in page and 'href="javascript:' not in page
