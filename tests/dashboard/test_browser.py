"""The dashboard in headless Chromium against a real running system (`ingest run`):
numbers move while items flow, an item shows its labels, a dead letter is replayed from
its page and then processed. Screenshots land in tests/screenshots/<test name>/."""

from __future__ import annotations

from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from tests.dashboard.browser import Screenshots
from tests.dashboard.system import RunningSystem, wait_for
from worker.record import Entry, ItemRecord
from worker.store.repository import feed_id_for


def figure(driver: WebDriver, name: str) -> str:
    return driver.find_element(By.CSS_SELECTOR, f'[data-figure="{name}"] b').text


def labelled_item(system: RunningSystem) -> ItemRecord | None:
    """A stored item with topics, a language and attribution, once the pipeline made one."""
    return next(
        (
            r
            for r in system.store.iter_items()
            if r.topics and r.language and (r.attribution.publisher or r.attribution.source_url)
        ),
        None,
    )


def test_overview_numbers_move_while_items_flow(
    system: RunningSystem, browser: WebDriver, screenshots: Screenshots
) -> None:
    browser.get(system.url("/"))
    assert figure(browser, "items") == "0"
    screenshots.take("overview-empty")
    browser.execute_script("window.notReloaded = true")

    system.add_sample_feeds()

    wait_for("the live overview to count items", lambda: int(figure(browser, "items")) > 0)
    assert browser.execute_script("return window.notReloaded") is True
    assert "updated" in browser.find_element(By.ID, "updated").text
    screenshots.take("overview-flowing")


def test_an_item_page_shows_its_labels(
    system: RunningSystem, browser: WebDriver, screenshots: Screenshots
) -> None:
    system.add_sample_feeds()
    item = wait_for("an item with topics and attribution", lambda: labelled_item(system))

    browser.get(system.url("/items"))
    screenshots.take("items")
    browser.find_element(By.CSS_SELECTOR, f'[data-item="{item.id}"] a').click()

    topics = browser.find_element(By.ID, "topics").text
    assert all(t.label in topics and t.code in topics for t in item.topics)
    assert browser.find_element(By.ID, "language").text == item.language
    attribution = browser.find_element(By.ID, "attribution").text
    assert (item.attribution.publisher or item.attribution.source_url) in attribution
    screenshots.take("item")


def test_a_dead_letter_is_replayed_from_its_page_and_then_processed(
    system: RunningSystem, browser: WebDriver, screenshots: Screenshots
) -> None:
    feed = system.feed_server.url("atom.xml")
    entry = Entry(
        feed=feed,
        entry_key="urn:test:replayed-harbour-story",
        content_hash="replay-1",
        url="https://harbour.example.org/north-quay-reopens",
        title="Harbour authority reopens the north quay after storm repairs",
        published_at="2025-04-11T09:00:00+00:00",
        content_html="<p>The harbour authority reopened the north quay on Friday after "
        "three months of repairs to the storm-damaged sea wall.</p>",
    )
    dl_id = system.store.add_dead_letter(
        "worker.tasks.process_entries", "lost-task-1",
        [[feed_id_for(feed), [entry.to_dict()]], {}],
        "OperationalError: database is locked",
        'Traceback (most recent call last):\n  File "worker/tasks.py"\nOperationalError: '
        "database is locked", 6,
    )  # fmt: skip

    browser.get(system.url("/dead-letters"))
    screenshots.take("dead-letters")
    browser.find_element(By.LINK_TEXT, str(dl_id)).click()
    assert "database is locked" in browser.find_element(By.ID, "traceback").text
    assert entry.entry_key in browser.find_element(By.ID, "arguments").text
    screenshots.take("dead-letter")
    browser.find_element(By.XPATH, "//button[normalize-space()='Replay']").click()

    notice = wait_for("the replay notice", lambda: browser.find_elements(By.ID, "notice"))
    assert "Replayed 1" in notice[0].text
    stored = wait_for("the replayed task's item", lambda: system.store.get_item(entry.item_id))
    assert stored.title == entry.title
    assert system.store.get_dead_letter(dl_id)["replayed_at"] is not None
    browser.get(system.url("/dead-letters?show=all"))
    screenshots.take("dead-letters-replayed")
