"""Coverage-guided fuzzing (atheris / libFuzzer) of the feed parser and the cleaner.

    .venv/bin/python bench/fuzz_atheris.py [-max_total_time=60] [other libFuzzer flags]

Runs for a fixed time (60 s unless -max_total_time is given), seeded with the bundled
samples. A crash is any exception escaping parse_feed or clean (clean must never raise)
or a run over the time cap; libFuzzer then writes the input that did it to ./crash-*.
"""

from __future__ import annotations

import sys
from pathlib import Path

import atheris

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

with atheris.instrument_imports(include=["worker"]):
    from worker.clean import clean
    from worker.poller.parse import parse_feed
    from worker.record import Entry


def one_input(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    target = fdp.ConsumeIntInRange(0, 2)
    body = fdp.ConsumeBytes(fdp.remaining_bytes())
    if target == 0:
        parse_feed(body, "https://fuzz.example/feed", max_entries=50)
        return
    text = body.decode("utf-8", "replace")
    entry = Entry(
        feed="https://fuzz.example/feed",
        entry_key="k",
        content_hash="h",
        url="https://fuzz.example/a-story-slug-bbc-com/",
        title=text[:80],
        content_html=text if target == 1 else None,
        summary=None if target == 1 else text,
        summary_is_html=False,
    )
    clean(entry)


def main() -> None:
    corpus = ROOT / "bench" / "out" / "fuzz-corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    for sample in (ROOT / "config" / "samples").glob("*.xml"):
        (corpus / sample.name).write_bytes(b"\x00" + sample.read_bytes())
    args = [a for a in sys.argv if a.startswith("-")]
    if not any(a.startswith("-max_total_time") for a in args):
        args.append("-max_total_time=60")
    atheris.Setup([sys.argv[0], *args, "-timeout=10", "-rss_limit_mb=2048", str(corpus)],
                  one_input)  # fmt: skip
    atheris.Fuzz()


if __name__ == "__main__":
    main()
