"""Running `ingest` in process, as a test would type it."""

from __future__ import annotations

from click.testing import CliRunner

from worker.cli import main


def ingest(*args: str) -> str:
    """Run one command; it must succeed; its standard output."""
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout
