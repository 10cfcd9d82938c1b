"""Rendering: one Jinja2 environment, a whole page or only its live section.

A page template may define `{% block live %}`: the browser's refresh script asks for
the same URL with `?fragment=1` every few seconds and swaps that section in place, so
figures move without a reload and without losing the scroll position or a half-typed
search. Pages without a live block (an item, a confirmation) never refresh.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from worker.monitor.dashboard import csrf
from worker.store.repository import as_utc

TEMPLATES = Path(__file__).resolve().parent / "templates"
NAV = (
    ("/", "Overview"),
    ("/feeds", "Feeds"),
    ("/items", "Items"),
    ("/dead-letters", "Dead letters"),
    ("/subscriptions", "Subscriptions"),
)


def duration(seconds: float | None) -> str:
    """A short human duration: 42 s, 7 min, 3 h 5 min, 2 d 4 h."""
    if seconds is None:
        return "–"
    s = int(max(seconds, 0))
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min"
    if s < 86_400:
        return f"{s // 3600} h {s % 3600 // 60} min"
    return f"{s // 86_400} d {s % 86_400 // 3600} h"


def ago(value: datetime | None) -> str:
    """How long ago (or, for a future time, in how long) a stored time is."""
    when = as_utc(value)
    if when is None:
        return "never"
    delta = (datetime.now(UTC) - when).total_seconds()
    return f"{duration(delta)} ago" if delta >= 0 else f"in {duration(-delta)}"


def stamp(value: datetime | str | None) -> str:
    """An exact UTC time for tooltips and detail tables."""
    if isinstance(value, str):
        return value
    when = as_utc(value)
    return when.strftime("%Y-%m-%d %H:%M:%S UTC") if when else "–"


def percent(rate: float | None) -> str:
    return "–" if rate is None else f"{rate * 100:.1f} %"


def web_url(value: object) -> bool:
    """Only http(s) addresses become links: a feed may hand us `javascript:` as a URL."""
    return isinstance(value, str) and value.lower().startswith(("http://", "https://"))


env = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
env.filters.update(duration=duration, ago=ago, stamp=stamp, percent=percent)
env.tests["web_url"] = web_url
env.globals.update(nav=NAV, csrf_field=csrf.FIELD)


def security_headers(nonce: str) -> dict[str, str]:
    """Only our own inline script and style run; no framing, no foreign form targets."""
    policy = (
        f"default-src 'none'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'; "
        "connect-src 'self'; img-src 'self' data:; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    )
    return {
        "content-security-policy": policy,
        "referrer-policy": "same-origin",
        "x-content-type-options": "nosniff",
        "cache-control": "no-store",
    }


def page(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """The page, or only its live section when the refresh script asks for it."""
    token, new_token = csrf.token_for(request)
    nonce = secrets.token_urlsafe(16)
    tpl = env.get_template(template)
    ctx = {**context, "request": request, "csrf_token": token, "nonce": nonce}
    if request.query_params.get("fragment") == "1" and "live" in tpl.blocks:
        body = "".join(tpl.blocks["live"](tpl.new_context(ctx)))
    else:
        body = tpl.render(ctx)
    response = HTMLResponse(body, status_code=status_code, headers=security_headers(nonce))
    if new_token:
        csrf.set_cookie(response, request, token)
    return response


def not_found(request: Request, what: str) -> HTMLResponse:
    return page(request, "message.html", status_code=404, title="Not found", message=what)
