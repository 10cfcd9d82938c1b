"""Fault injection, loaded only into test workers (`--include tests.chaos.poison`).

The real cleaner is built never to raise and never to hang on any input, so the faults
a poison entry stands for (a cleaner bug) are injected: an entry titled POISON-RAISE
makes cleaning raise, one titled POISON-HANG makes it hang.
"""

from __future__ import annotations

import time

from worker import pipeline

_real_clean = pipeline.clean


def _poisoned_clean(entry, *args, **kwargs):
    if "POISON-RAISE" in entry.title:
        raise RuntimeError("poisoned entry: cleaning raised")
    if "POISON-HANG" in entry.title:
        time.sleep(3600)
    return _real_clean(entry, *args, **kwargs)


pipeline.clean = _poisoned_clean
