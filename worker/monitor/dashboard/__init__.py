"""The ops dashboard: server-rendered pages over the store, Redis and the telemetry.

`dashboard_routes(runtime)` is all that worker.monitor.http mounts.
"""

from worker.monitor.dashboard.routes import dashboard_routes

__all__ = ["dashboard_routes"]
