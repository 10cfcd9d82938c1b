"""The dashboard's URL map: pages are GET, buttons are CSRF-protected POSTs."""

from __future__ import annotations

from starlette.routing import Route

from worker.monitor.dashboard.actions import Actions
from worker.monitor.dashboard.csrf import protected
from worker.monitor.dashboard.pages import Pages
from worker.runtime import Runtime


def dashboard_routes(rt: Runtime) -> list[Route]:
    pages, actions = Pages(rt), Actions(rt)
    return [
        Route("/", pages.overview),
        Route("/feeds", pages.feeds),
        Route("/feeds/{feed_id}", pages.feed),
        Route("/items", pages.items),
        Route("/items/{item_id}", pages.item),
        Route("/dead-letters", pages.dead_letters),
        Route("/dead-letters/purge", pages.purge_confirmation, methods=["GET"]),
        Route("/dead-letters/purge", protected(actions.purge), methods=["POST"]),
        Route("/dead-letters/replay", protected(actions.replay_all), methods=["POST"]),
        Route("/dead-letters/{dl_id:int}", pages.dead_letter),
        Route("/dead-letters/{dl_id:int}/replay", protected(actions.replay_one), methods=["POST"]),
        Route("/subscriptions", pages.subscriptions),
    ]
