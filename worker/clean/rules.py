"""Cleaning rules: limits, extra boilerplate and per-host fixes, loaded from TOML.

Rules are data so that a new autoblog's quirks are fixed in `config/cleaning.toml`, not in
code, and so that `clean()` stays pure: the caller loads the rules once and passes them in.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser

from worker.clean.sanitize import host_of


@dataclass(frozen=True, slots=True)
class HostRules:
    """Fixes for one publisher: elements to drop (CSS) and text blocks to drop (regex)."""

    drop_selectors: tuple[str, ...] = ()
    drop_patterns: tuple[re.Pattern[str], ...] = ()


@dataclass(frozen=True, slots=True)
class CleanRules:
    """Everything `clean()` may be told; the defaults are safe for any feed."""

    max_html_bytes: int = 2_000_000  # bigger bodies are truncated, with a warning
    max_blocks: int = 2_000
    max_text_chars: int = 500_000
    boilerplate: tuple[re.Pattern[str], ...] = ()  # added to the built-in patterns
    keep_mixed_case: frozenset[str] = frozenset()  # lowercase; added to the built-in list
    hosts: dict[str, HostRules] = field(default_factory=dict)

    @classmethod
    def load(cls, path: str | Path) -> CleanRules:
        """Read rules from TOML (see config/cleaning.toml); unknown keys are an error."""
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        _check_keys("cleaning rules", data, {"limits", "boilerplate", "glue", "hosts"})
        _check_keys(
            "limits", data.get("limits", {}), {"max_html_bytes", "max_blocks", "max_text_chars"}
        )
        _check_keys("boilerplate", data.get("boilerplate", {}), {"patterns"})
        _check_keys("glue", data.get("glue", {}), {"keep_mixed_case"})
        for host, spec in data.get("hosts", {}).items():
            _check_keys(f"hosts.{host}", spec, {"drop_selectors", "drop_patterns"})
            _check_selectors(host, spec.get("drop_selectors", ()))
        limits = data.get("limits", {})
        hosts = {
            host.lower(): HostRules(
                drop_selectors=tuple(spec.get("drop_selectors", ())),
                drop_patterns=_compile(spec.get("drop_patterns", ())),
            )
            for host, spec in data.get("hosts", {}).items()
        }
        return cls(
            max_html_bytes=int(limits.get("max_html_bytes", DEFAULT_RULES.max_html_bytes)),
            max_blocks=int(limits.get("max_blocks", DEFAULT_RULES.max_blocks)),
            max_text_chars=int(limits.get("max_text_chars", DEFAULT_RULES.max_text_chars)),
            boilerplate=_compile(data.get("boilerplate", {}).get("patterns", ())),
            keep_mixed_case=frozenset(
                w.lower() for w in data.get("glue", {}).get("keep_mixed_case", ())
            ),
            hosts=hosts,
        )

    def for_url(self, url: str | None) -> HostRules:
        """The rules of the most specific configured host that `url` belongs to."""
        host = host_of(url)
        while host:
            if host in self.hosts:
                return self.hosts[host]
            _, _, host = host.partition(".")
        return HostRules()


def _check_keys(where: str, table: dict[str, object], allowed: set[str]) -> None:
    """A misspelt key would silently do nothing; say so at load time instead."""
    if unknown := set(table) - allowed:
        raise ValueError(f"{where}: unknown keys {sorted(unknown)}")


def _check_selectors(host: str, selectors: object) -> None:
    """Reject a bad CSS selector when loading, not on every item of that host."""
    probe = LexborHTMLParser("<p></p>")
    for selector in selectors:  # type: ignore[attr-defined]
        try:
            probe.css(selector)
        except Exception as exc:
            raise ValueError(f"hosts.{host}: bad CSS selector {selector!r}: {exc}") from exc


def _compile(patterns: object) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p, re.IGNORECASE) for p in patterns)  # type: ignore[union-attr]


DEFAULT_RULES = CleanRules()
