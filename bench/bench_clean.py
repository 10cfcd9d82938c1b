"""How fast is clean() on ~10 KB feed items, next to trafilatura and a bare selectolax parse?

Prints figures and ratios; it asserts nothing (timings depend on the machine). Rates are
items per CPU-second of this process (time.process_time), i.e. per core, so that other
work on a shared machine does not skew the comparison.
Run:  .venv/bin/python bench/bench_clean.py [--items N] [--seconds S]
The corpus is generated here (seeded), shaped like autoblog items: headings, paragraphs,
a labelled list, a table with a header row, a spun attribution footer and some script.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable

from selectolax.lexbor import LexborHTMLParser

from worker.clean import clean
from worker.record import Entry

VOCABULARY = """
the minister said on tuesday that talks with regional leaders would continue after a week
of protests over fuel prices while analysts expected the central bank to hold interest rates
steady as inflation slowed for a third month and exports rose sharply in march despite
weaker demand from europe and asia where factories reported fewer orders than forecast by
economists polled ahead of the figures released by officials
"""
WORDS = VOCABULARY.split()


def sentence(rng: random.Random) -> str:
    words = rng.choices(WORDS, k=rng.randint(12, 24))
    return " ".join(words).capitalize() + "."


def item_html(rng: random.Random, size: int = 10_000) -> str:
    """One autoblog-shaped article of about `size` bytes of HTML."""
    parts = []
    while sum(map(len, parts)) < size - 900:
        kind = rng.random()
        if kind < 0.1:
            parts.append(f"<h2>{sentence(rng)[:-1]}</h2>")
        elif kind < 0.2:
            items = "".join(
                f"<li><strong>Point {i}:</strong> {sentence(rng)}</li>" for i in range(3)
            )
            parts.append(f"<ul>{items}</ul>")
        elif kind < 0.25:
            rows = "".join(
                f"<tr><td>Oct {d}</td><td>{rng.choice(WORDS)}</td><td>{d * 7}%</td></tr>"
                for d in range(1, 5)
            )
            parts.append(f"<table><tr><th>Date</th><th>Event</th><th>Share</th></tr>{rows}</table>")
        else:
            parts.append("<p>" + " ".join(sentence(rng) for _ in range(3)) + "</p>")
    parts.append("<script>window.dataLayer = window.dataLayer || [];</script>")
    parts.append(
        "<p>Source link : https://news.example.com/2025/04/01/minister-says-talks-"
        "continue-bbc-com/<br />Creator : Sam Example<br />Publish date : "
        "2025-04-01 08:00:00<br />Copyright for syndicated content material belongs "
        "to the linked Source.</p>"
    )
    return "\n".join(parts)


def rate(label: str, items: list[str], work: Callable[[str], object], seconds: float) -> float:
    """Items per second of `work` over `items`, cycling for at least `seconds`."""
    work(items[0])  # warm caches and lazy imports outside the timing
    done, start = 0, time.process_time()
    while (elapsed := time.process_time() - start) < seconds:
        for html in items:
            work(html)
        done += len(items)
    per_second = done / elapsed
    print(f"{label:<34} {per_second:>10,.0f} items/s  ({elapsed / done * 1e3:.3f} ms/item)")
    return per_second


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    rng = random.Random(7)
    corpus = [item_html(rng) for _ in range(args.items)]
    size = sum(len(h.encode()) for h in corpus) / len(corpus)
    print(f"corpus: {len(corpus)} items, mean {size / 1000:.1f} KB of HTML, one core\n")

    def entry(html: str) -> Entry:
        return Entry(
            feed="bench", entry_key="k", content_hash="", title="Bench item", content_html=html
        )

    import trafilatura  # only the benchmark needs it

    ours = rate("clean() (HTML)", corpus, lambda h: clean(entry(h)), args.seconds)
    parse = rate("selectolax parse only", corpus, LexborHTMLParser, args.seconds)
    traf = rate(
        "trafilatura.extract (recall, tables)",
        corpus[:50],
        lambda h: trafilatura.extract(h, favor_recall=True, include_tables=True),
        args.seconds,
    )
    texts = [clean(entry(h)).text for h in corpus]
    plain = rate(
        "clean() (plain text, re-clean)",
        texts,
        lambda t: clean(
            Entry(feed="bench", entry_key="k", content_hash="", summary=t, summary_is_html=False)
        ),
        args.seconds,
    )
    print(f"\nclean / trafilatura: {ours / traf:.1f}x   (target >= 10x)")
    print(f"clean / bare parse:  {ours / parse:.2f}x")
    print(f"clean: {ours:,.0f} items/s per core (target >= 2,000); plain-text path {plain:,.0f}")


if __name__ == "__main__":
    main()
