"""The dashboard's pages. Every handler here is a GET and only reads: state changes are
the POST actions in actions.py."""

from __future__ import annotations

import json

from redis.exceptions import RedisError
from starlette.requests import Request
from starlette.responses import Response

from worker.monitor.dashboard.feeds import COLUMNS, FeedQuery, feed_table, state_counts
from worker.monitor.dashboard.health import concerns
from worker.monitor.dashboard.items import FIELDS, PAGE_SIZE, item_filter, suggestions
from worker.monitor.dashboard.render import not_found, page
from worker.monitor.dashboard.streams import subscription_views
from worker.monitor.telemetry import snapshot
from worker.runtime import Runtime
from worker.store.repository import ESTIMABLE, feed_id_for
from worker.store.search import item_history, search_items
from worker.store.webhooks import list_deliveries

ARGUMENTS_SHOWN = 200_000  # characters: a batch of 50 entries with their HTML is large
NOTICES = {
    "replayed": "Replayed {n}: the tasks are queued again.",
    "purged": "Purged {n} dead letters.",
    "missing": "There is no such dead letter (purged meanwhile?).",
}


class Pages:
    """Read-only views over one runtime (store, Redis, Celery, subscriptions)."""

    def __init__(self, rt: Runtime) -> None:
        self.rt = rt

    def overview(self, request: Request) -> Response:
        """The store's figures even when Redis is down: then that is the first concern."""
        counts = self.rt.store.counts()
        try:
            snap = snapshot(self.rt)
            worries = concerns(snap, counts)
        except RedisError as exc:
            snap = None
            worries = [f"The broker (Redis) is unreachable: {type(exc).__name__}: {exc}"]
        return page(
            request,
            "overview.html",
            title="Overview",
            snap=snap,
            counts=counts,
            estimable=ESTIMABLE,
            concerns=worries,
        )

    def feeds(self, request: Request) -> Response:
        query = FeedQuery.from_params(request.query_params)
        every = self.rt.store.list_feeds()
        return page(
            request,
            "feeds.html",
            title="Feeds",
            query=query,
            columns=COLUMNS,
            feeds=feed_table(every, query),
            states=state_counts(every),
            total=len(every),
        )

    def feed(self, request: Request) -> Response:
        found = self.rt.store.get_feed(request.path_params["feed_id"])
        if found is None:
            return not_found(request, "There is no such feed.")
        return page(request, "feed.html", title=found.title or found.url, feed=found)

    def items(self, request: Request) -> Response:
        params = request.query_params
        return page(
            request,
            "items.html",
            title="Items",
            items=search_items(self.rt.store, item_filter(params)),
            limit=PAGE_SIZE,
            form={name: params.get(name, "") for name in FIELDS},
            suggestions=suggestions(self.rt.store),
        )

    def item(self, request: Request) -> Response:
        found = self.rt.store.get_item(request.path_params["item_id"])
        if found is None:
            return not_found(request, "There is no such item (expired by retention?).")
        return page(
            request,
            "item.html",
            title=found.title,
            item=found,
            feed_id=feed_id_for(found.feed),
            versions=item_history(self.rt.store, found.id),
        )

    def dead_letters(self, request: Request) -> Response:
        show_all = request.query_params.get("show") == "all"
        letters = self.rt.store.dead_letters(include_replayed=show_all)
        return page(
            request,
            "dead_letters.html",
            title="Dead letters",
            letters=list(reversed(letters)),
            show_all=show_all,
            notice=notice(request),
        )

    def dead_letter(self, request: Request) -> Response:
        found = self.rt.store.get_dead_letter(request.path_params["dl_id"])
        if found is None:
            return not_found(request, "There is no such dead letter.")
        arguments = json.dumps(json.loads(found["args"]), indent=2, ensure_ascii=False)
        return page(
            request,
            "dead_letter.html",
            title=f"Dead letter {found['id']}",
            letter=found,
            arguments=arguments[:ARGUMENTS_SHOWN],
        )

    def purge_confirmation(self, request: Request) -> Response:
        count = len(self.rt.store.dead_letters(include_replayed=True))
        return page(request, "purge.html", title="Purge dead letters?", count=count)

    def subscriptions(self, request: Request) -> Response:
        return page(
            request,
            "subscriptions.html",
            title="Subscriptions",
            subscriptions=subscription_views(self.rt),
            failed=list_deliveries(self.rt.store, status="failed", limit=20),
        )


def notice(request: Request) -> str | None:
    """The message an action left for the page it redirected to (fixed texts only)."""
    template = NOTICES.get(request.query_params.get("notice", ""))
    if template is None:
        return None
    count = request.query_params.get("n", "")
    return template.format(n=int(count) if count.isdigit() else "")
