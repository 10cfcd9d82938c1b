"""The dashboard's buttons: POST only, CSRF-checked, each answered with a redirect to a
page (post/redirect/get), so a reload never repeats an action."""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from worker.monitor.deadletters import replay
from worker.runtime import Runtime

PURGE_WORD = "purge"


def back_to_list(notice: str, n: int = 0) -> Response:
    return RedirectResponse(f"/dead-letters?notice={notice}&n={n}", status_code=303)


class Actions:
    """Dead-letter replay and purge over one runtime."""

    def __init__(self, rt: Runtime) -> None:
        self.rt = rt

    def replay_one(self, request: Request, _form: FormData) -> Response:
        dl_id = request.path_params["dl_id"]
        if not replay(self.rt.store, self.rt.settings, dl_id):
            return back_to_list("missing")
        return back_to_list("replayed", 1)

    def replay_all(self, _request: Request, _form: FormData) -> Response:
        ids = [d["id"] for d in self.rt.store.dead_letters()]
        replayed = sum(replay(self.rt.store, self.rt.settings, dl_id) for dl_id in ids)
        return back_to_list("replayed", replayed)

    def purge(self, _request: Request, form: FormData) -> Response:
        """Only with the confirmation page's field: a bare POST goes to the question."""
        if form.get("confirm") != PURGE_WORD:
            return RedirectResponse("/dead-letters/purge", status_code=303)
        return back_to_list("purged", self.rt.store.purge_dead_letters())
