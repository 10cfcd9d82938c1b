"""CSRF protection for the dashboard's buttons: a double-submit cookie plus a same-host check.

Every page that carries a form hands the browser a random token twice: in an HttpOnly,
SameSite=Strict cookie and in a hidden field. A POST is accepted only when the two match
and its Origin (or, failing that, its Referer) names this very host. Another site can
make a browser send the cookie, but it can neither read it to fill in the field nor
forge the Origin header, so neither check alone has to be perfect.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable
from urllib.parse import parse_qsl, urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

COOKIE = "ingest_csrf"
FIELD = "csrf_token"
MAX_FORM_BYTES = 16_384  # our forms carry a token and a word or two

Action = Callable[[Request, FormData], Response]


def token_for(request: Request) -> tuple[str, bool]:
    """The browser's token, or a new one; the flag says the cookie must be set."""
    known = request.cookies.get(COOKIE)
    if known:
        return known, False
    return secrets.token_urlsafe(32), True


def set_cookie(response: Response, request: Request, token: str) -> None:
    response.set_cookie(
        COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )


def refusal(request: Request, form: FormData) -> str | None:
    """Why this POST must be refused, or None when it comes from our own page."""
    source = request.headers.get("origin") or request.headers.get("referer")
    if not source or source == "null":
        return "the request names no Origin or Referer"
    if urlsplit(source).netloc != request.headers.get("host"):
        return "the request comes from another site"
    cookie = request.cookies.get(COOKIE, "")
    field = form.get(FIELD, "")
    if not cookie or not isinstance(field, str):
        return "the CSRF cookie or field is missing"
    if not hmac.compare_digest(cookie.encode(), field.encode()):
        return "the CSRF cookie and field differ"
    return None


async def read_form(request: Request) -> FormData | None:
    """The fields of a small urlencoded form (all our buttons send), or None if it is not one.

    Parsed here rather than with python-multipart: nothing else needs that dependency.
    """
    if request.headers.get("content-type", "").split(";")[0] != "application/x-www-form-urlencoded":
        return None
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        return None
    return FormData(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))


def protected(action: Action) -> Callable[[Request], Awaitable[Response]]:
    """A POST endpoint that runs `action(request, form)` (in a thread) only if it passes."""

    async def endpoint(request: Request) -> Response:
        form = await read_form(request)
        if form is None:
            return PlainTextResponse("expected a small urlencoded form", status_code=415)
        problem = refusal(request, form)
        if problem is not None:
            return PlainTextResponse(f"refused: {problem}", status_code=403)
        return await run_in_threadpool(action, request, form)

    endpoint.__name__ = action.__name__
    endpoint.__doc__ = action.__doc__
    return endpoint
