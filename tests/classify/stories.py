"""Fixture stories for the linking tests (written for these tests), and a toy spinner."""

from __future__ import annotations

import re

from worker.record import Attribution, ItemRecord, Spin, Syndication

HARBOUR = (
    "Officials in Halvorsen said on Tuesday that the new harbour bridge would open in "
    "March, two years later than planned, after engineers found corrosion in 14 of the "
    "steel cables. The mayor, Ingrid Lindqvist, told reporters that the delay would add "
    "about 38 million euros to the cost of the project. She said the city council had "
    "asked the contractor, Brekke Marine, to explain why the problem was not found during "
    "the first inspection in 2021. Local people have waited for the bridge for more than a "
    "decade, and many of them say the ferry service is slow and often cancelled in winter. "
    "The transport minister, Pål Sandvik, said the government would not pay for the extra "
    "work. Engineers will now replace the damaged cables one by one, a process that could "
    "take several months. Traffic on the old coastal road is expected to rise again when "
    "the summer season begins, and residents fear more accidents near the tunnel at Voksen."
)

ORCHARD = (
    "Farmers in the Tavira valley say this year's apple harvest is the smallest since 1998, "
    "after a late frost in April damaged most of the blossom. The regional cooperative, "
    "Pomar Sul, expects to sell about 4,200 tonnes of fruit, less than half of last year's "
    "crop. Its chairman, Rui Falcão, said many growers would struggle to repay loans taken "
    "out to buy new irrigation equipment. Some families are now planting almond trees, "
    "which flower later and survive cold nights better, but the trees take five years to "
    "produce a useful crop. The agriculture ministry has promised emergency support, but "
    "farmers say the money has not arrived and that the rules are too complicated."
)

# Common words a spinner's dictionary holds, with the synonym it puts in their place.
SWAPS = {
    "said": "stated", "new": "novel", "open": "unlock", "later": "afterward",
    "found": "discovered", "told": "informed", "delay": "postponement", "add": "contribute",
    "cost": "expense", "asked": "requested", "explain": "clarify", "problem": "difficulty",
    "first": "primary", "people": "individuals", "waited": "waited around", "slow": "sluggish",
    "often": "regularly", "winter": "wintertime", "government": "authorities",
    "work": "labour", "replace": "substitute", "damaged": "broken", "process": "procedure",
    "several": "numerous", "expected": "anticipated", "rise": "increase", "fear": "dread",
    "accidents": "mishaps", "season": "period", "begins": "commences",
}  # fmt: skip


def spin(text: str, swaps: dict[str, str] = SWAPS) -> str:
    """Replace every occurrence of each swapped word, as a synonym spinner does."""
    return re.sub(r"[A-Za-z]+", lambda m: swaps.get(m.group(), m.group()), text)


def record(item_id: str, text: str, feed: str = "https://news.example.org/feed") -> ItemRecord:
    return ItemRecord(
        id=item_id,
        feed=feed,
        entry_key=item_id,
        url=f"{feed.rsplit('/', 1)[0]}/{item_id}",
        title=item_id,
        author=None,
        published_at=None,
        language="en",
        text=text,
        blocks=[],
        attribution=Attribution(),
        syndication=Syndication(),
        spin=Spin(),
        topics=[],
        regions=[],
    )
