"""Plain data passed between the stages, and the item record of the contract.

Everything here is a dataclass of plain values so that a stage can be tested with a
literal in and a literal out, and so that an `Entry` can cross the broker as JSON.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Literal

#: The item record's contract version: 2 added `authors`, `enclosures` and block `links`,
#: and made every title, name and URL field plain, decoded text / absolute http(s).
RECORD_VERSION = 2

BlockKind = Literal["heading", "paragraph", "list_item", "table", "quote"]


def stable_id(*parts: str) -> str:
    """A short, stable hex id: the same parts always give the same id, on any machine."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()
    return digest[:32]


@dataclass(slots=True)
class Entry:
    """One feed entry as the poller hands it to the pipeline (crosses the broker as JSON)."""

    feed: str
    entry_key: str
    content_hash: str
    url: str | None = None
    title: str = ""
    author: str | None = None
    published_at: str | None = None
    content_html: str | None = None  # content:encoded / Atom content: full markup
    summary: str | None = None  # description / Atom summary: often tag-stripped
    summary_is_html: bool = True
    source_url: str | None = None  # <source url="..."> (Google News and RSS 2.0)
    source_title: str | None = None
    # Record contract 2 (normalised by the poller, poller/normalize.py): every name and
    # URL is plain text and every URL absolute http(s); older messages load by defaults.
    authors: list[str] = field(default_factory=list)
    enclosures: list[dict[str, Any]] = field(default_factory=list)
    base_url: str | None = None  # what relative links in the content resolve against
    # Why the poller kept the feed's own content (e.g. the full article failed); the
    # record's warnings start with these. Older messages without the field still load.
    warnings: list[str] = field(default_factory=list)

    @property
    def item_id(self) -> str:
        return stable_id(self.feed, self.entry_key)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Entry:
        """Fields this version does not know are dropped, so that a newer poller's
        messages still load in a worker not yet upgraded (and older ones, by defaults)."""
        return cls(**{k: v for k, v in data.items() if k in _ENTRY_FIELDS})


_ENTRY_FIELDS = frozenset(f.name for f in fields(Entry))


@dataclass(slots=True)
class Block:
    """One structural block of clean text. `rows` only for tables; `header` marks rows[0]."""

    kind: BlockKind
    text: str
    rows: list[list[str]] | None = None
    header: bool = False
    links: list[str] | None = None  # absolute http(s) hrefs of the block's anchors

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": self.kind, "text": self.text}
        if self.kind == "table":
            data["rows"] = self.rows or []
            data["header"] = self.header
        if self.links:
            data["links"] = self.links
        return data


@dataclass(slots=True)
class Attribution:
    source_url: str | None = None
    author: str | None = None
    published_at: str | None = None
    publisher: str | None = None


@dataclass(slots=True)
class Syndication:
    is_syndicated: bool = False
    canonical_url: str | None = None
    original_title: str | None = None
    original_publisher: str | None = None


@dataclass(slots=True)
class Evidence:
    found: str
    likely: str


@dataclass(slots=True)
class Spin:
    score: float = 0.0
    is_spun: bool = False
    evidence: list[Evidence] = field(default_factory=list)


@dataclass(slots=True)
class Topic:
    code: str
    label: str
    score: float
    terms: list[str] = field(default_factory=list)  # what fired, so a label is explainable


@dataclass(slots=True)
class Region:
    name: str
    code: str
    score: float


@dataclass(slots=True)
class Cleaned:
    """What the cleaner makes of an entry."""

    title: str
    text: str
    blocks: list[Block]
    attribution: Attribution
    syndication: Syndication
    warnings: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Labels:
    """What the classifier makes of a cleaned entry (store-independent labels only)."""

    language: str | None = None
    topics: list[Topic] = field(default_factory=list)
    regions: list[Region] = field(default_factory=list)
    spin: Spin = field(default_factory=Spin)
    text_hash: str = ""  # normalised-text fingerprint for exact duplicates


@dataclass(slots=True)
class ItemRecord:
    """The item record of the contract (DESIGN.md), as stored, exported and notified."""

    id: str
    feed: str
    entry_key: str
    url: str | None
    title: str
    author: str | None
    published_at: str | None
    language: str | None
    text: str
    blocks: list[Block]
    attribution: Attribution
    syndication: Syndication
    spin: Spin
    topics: list[Topic]
    regions: list[Region]
    duplicate_of: str | None = None
    cluster_id: str | None = None
    version: int = 1
    content_hash: str = ""
    text_hash: str = ""
    warnings: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)  # contract 2; `author` is the first
    # [{url, type, length, duration, image}] from enclosures, media:* and itunes:*
    enclosures: list[dict[str, Any]] = field(default_factory=list)
    record_version: int = RECORD_VERSION

    def to_dict(self) -> dict[str, Any]:
        """Plain data in field order, built by hand: dataclasses.asdict deep-copies, and
        this runs for every stored item."""
        return {
            name: _CONVERT[name](value) if name in _CONVERT else value
            for name in _FIELDS
            for value in (getattr(self, name),)
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ItemRecord:
        """Fields this version does not know are dropped (a newer worker's records load)."""
        data = {k: v for k, v in data.items() if k in _RECORD_FIELDS}
        data["blocks"] = [Block(**b) for b in data["blocks"]]
        data["attribution"] = Attribution(**data["attribution"])
        data["syndication"] = Syndication(**data["syndication"])
        spin = dict(data["spin"])
        spin["evidence"] = [Evidence(**e) for e in spin.get("evidence", [])]
        data["spin"] = Spin(**spin)
        data["topics"] = [Topic(**t) for t in data["topics"]]
        data["regions"] = [Region(**r) for r in data["regions"]]
        return cls(**data)


def _plain(obj: Any) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in obj.__slots__}


_FIELDS = tuple(f.name for f in fields(ItemRecord))
_RECORD_FIELDS = frozenset(_FIELDS)
_CONVERT: dict[str, Any] = {
    "blocks": lambda blocks: [b.to_dict() for b in blocks],
    "attribution": _plain,
    "syndication": _plain,
    "spin": lambda spin: {
        "score": spin.score,
        "is_spun": spin.is_spun,
        "evidence": [_plain(e) for e in spin.evidence],
    },
    "topics": lambda topics: [{**_plain(t), "terms": list(t.terms)} for t in topics],
    "regions": lambda regions: [_plain(r) for r in regions],
    "warnings": list,
    "authors": list,
    "enclosures": lambda enclosures: [dict(e) for e in enclosures],
}
