"""The HTTP server: /healthz, /readyz, /metrics and the dashboard (worker/monitor/dashboard)."""

from __future__ import annotations

import hmac
import ipaddress

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from worker.monitor.dashboard import dashboard_routes
from worker.monitor.metrics import IngestCollector
from worker.monitor.telemetry import heartbeat_age, workers
from worker.poller.websub import websub_routes
from worker.runtime import Runtime

HEARTBEAT_STALE_S = 120
TOKEN_COOKIE = "ingest_token"


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class TokenMiddleware(BaseHTTPMiddleware):
    """Off loopback, every page but /healthz needs the dashboard token.

    Scrapers send it as a Bearer header. A browser opens the dashboard once with
    ?token=…; the answer swaps it for an HttpOnly, SameSite=Strict cookie and drops it
    from the address bar, so it neither stays in the history nor leaks in a Referer.
    """

    def __init__(self, app, token: str) -> None:
        super().__init__(app)
        self.token = token

    async def dispatch(self, request: Request, call_next):
        if request.url.path == "/healthz" or request.url.path.startswith("/websub/"):
            return await call_next(request)  # hubs authenticate by topic and HMAC
        in_query = request.query_params.get("token", "")
        given = (
            request.headers.get("authorization", "").removeprefix("Bearer ").strip()
            or request.cookies.get(TOKEN_COOKIE, "")
            or in_query
        )
        if not hmac.compare_digest(given.encode(), self.token.encode()):
            return PlainTextResponse("token required (open a page once with ?token=…)", 401)
        if in_query and "text/html" in request.headers.get("accept", ""):
            response = RedirectResponse(str(request.url.remove_query_params("token")), 303)
            response.set_cookie(TOKEN_COOKIE, self.token, httponly=True, samesite="strict",
                                secure=request.url.scheme == "https")  # fmt: skip
            return response
        return await call_next(request)


def create_app(runtime: Runtime) -> Starlette:
    settings = runtime.settings
    if not is_loopback(settings.http_host) and not settings.dashboard_token:
        raise SystemExit(
            f"refusing to serve on {settings.http_host} without INGEST_DASHBOARD_TOKEN"
        )
    registry = CollectorRegistry()
    registry.register(IngestCollector(runtime))

    def healthz(_: Request) -> Response:
        return JSONResponse({"status": "ok"})

    def readyz(_: Request) -> Response:
        checks: dict[str, str] = {}
        try:
            runtime.store.ping()
            checks["database"] = "ok"
        except Exception as exc:
            checks["database"] = f"down: {type(exc).__name__}: {exc}"
        try:
            runtime.redis.ping()
            checks["broker"] = "ok"
            age = heartbeat_age(runtime.redis)
            fresh = age is not None and age < HEARTBEAT_STALE_S
            checks["poller"] = "ok" if fresh else "no heartbeat"
            checks["workers"] = "ok" if workers(runtime.redis) else "none alive"
        except Exception as exc:
            checks["broker"] = f"down: {type(exc).__name__}"
        ready = all(v == "ok" for v in checks.values())
        return JSONResponse(
            {"status": "ready" if ready else "not ready", "checks": checks},
            status_code=200 if ready else 503,
        )

    def metrics(_: Request) -> Response:
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

    middleware = []
    if settings.dashboard_token:
        middleware.append(Middleware(TokenMiddleware, token=settings.dashboard_token))
    return Starlette(
        routes=[
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/metrics", metrics),
            *websub_routes(runtime),
            *dashboard_routes(runtime),
        ],
        middleware=middleware,
    )
