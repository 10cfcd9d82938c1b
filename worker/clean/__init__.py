"""The cleaner: feed entry -> clean title, structured text, attribution and syndication."""

from worker.clean.pipeline import clean
from worker.clean.rules import CleanRules, HostRules

__all__ = ["CleanRules", "HostRules", "clean"]
