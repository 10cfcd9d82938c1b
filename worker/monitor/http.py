"""The HTTP server: /healthz, /readyz, /metrics and the dashboard's overview page."""

from __future__ import annotations

import hmac
import html
import ipaddress

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from worker.monitor.metrics import IngestCollector
from worker.monitor.queues import queue_depths
from worker.monitor.telemetry import heartbeat_age, workers
from worker.poller.websub import websub_routes
from worker.runtime import Runtime

HEARTBEAT_STALE_S = 120


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class TokenMiddleware(BaseHTTPMiddleware):
    """Off loopback, every page but /healthz needs the dashboard token."""

    def __init__(self, app, token: str) -> None:
        super().__init__(app)
        self.token = token

    async def dispatch(self, request: Request, call_next):
        if request.url.path == "/healthz" or request.url.path.startswith("/websub/"):
            return await call_next(request)  # hubs authenticate by topic and HMAC
        given = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
        given = given or request.query_params.get("token", "")
        if not hmac.compare_digest(given.encode(), self.token.encode()):
            return PlainTextResponse("token required", status_code=401)
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

    def overview(_: Request) -> Response:
        depths, unacked = queue_depths(runtime.celery, runtime.redis)
        counts = runtime.store.counts()
        feeds = runtime.store.list_feeds()
        rows = "".join(
            f"<tr><td>{html.escape(f.title or f.url)}</td><td>{f.status}</td>"
            f"<td>{f.last_success_at or ''}</td><td>{html.escape(f.last_error or '')}</td></tr>"
            for f in feeds
        )
        queues = "".join(f"<tr><td>{d.name}</td><td>{d.waiting}</td></tr>" for d in depths)
        figures = "".join(f"<tr><td>{k}</td><td>{v}</td></tr>" for k, v in counts.items())
        page = f"""<!doctype html><html><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="5"><title>ingest: overview</title>
<style>body{{font-family:system-ui,sans-serif;margin:1rem}}table{{border-collapse:collapse;
margin-bottom:1rem}}td,th{{border:1px solid #ccc;padding:.25rem .5rem;text-align:left}}</style>
</head><body><h1>Overview</h1>
<h2>Queues</h2><table><tr><th>queue</th><th>waiting</th></tr>{queues}
<tr><td>in flight (unacked)</td><td>{unacked}</td></tr></table>
<h2>Figures</h2><table>{figures}</table>
<h2>Feeds</h2><table><tr><th>feed</th><th>status</th><th>last success</th><th>last error</th>
</tr>{rows}</table></body></html>"""
        return HTMLResponse(page)

    middleware = []
    if settings.dashboard_token:
        middleware.append(Middleware(TokenMiddleware, token=settings.dashboard_token))
    return Starlette(
        routes=[
            Route("/", overview),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/metrics", metrics),
            *websub_routes(runtime),
        ],
        middleware=middleware,
    )
