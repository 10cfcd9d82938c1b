"""The long chaos run: 20,000 items through real workers killed with SIGKILL at random.

    .venv/bin/python bench/chaos_kill.py [--items 20000] [--kills 30] [--database-url URL]

Prints what was stored, published and left over; every line but `kills` and `seconds`
must read the same as the items count or zero. Redis: INGEST_BENCH_REDIS_URL (default
redis://127.0.0.1:6379/12, flushed).
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import random
import sys
import tempfile
from pathlib import Path

import redis

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.chaos.harness import ChaosRun, kill_randomly  # noqa: E402
from worker.app import use_broker  # noqa: E402
from worker.settings import Settings  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=20_000)
    parser.add_argument("--kills", type=int, default=30)
    parser.add_argument("--database-url")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    redis_url = os.environ.get("INGEST_BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
    redis.Redis.from_url(redis_url).flushdb(asynchronous=True)
    with tempfile.TemporaryDirectory(prefix="ingest-chaos-") as tmp:
        os.environ.update(
            INGEST_BROKER_URL=redis_url,
            INGEST_DATABASE_URL=args.database_url or f"sqlite:///{Path(tmp) / 'chaos.db'}",
            INGEST_DATA_DIR=tmp,
            INGEST_SUBSCRIPTIONS_FILE=str(Path(tmp) / "none.toml"),
            INGEST_VISIBILITY_TIMEOUT="10",
            INGEST_LOG_FORMAT="json",
        )
        use_broker(redis_url)
        outcome = ChaosRun(Settings(), random.Random(args.seed)).run(
            args.items, kill_randomly(args.kills), timeout=3600
        )
    for name, value in dataclasses.asdict(outcome).items():
        print(
            f"{name:<20}{value:>12,.1f}" if isinstance(value, float) else f"{name:<20}{value:>12,}"
        )


if __name__ == "__main__":
    main()
