"""HTML -> blocks with selectolax (lexbor): structure kept, everything else dropped.

We keep only what a reader of the story needs (headings, paragraphs, list items, tables,
quotes) and the hrefs of links, which the footer stage needs when a source link is an
anchor rather than a visible URL. Scripts, styles, embeds, forms, comments and images
(tracking pixels included) never reach the text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from selectolax.lexbor import LexborHTMLParser, LexborNode

from worker.clean.render import table_block
from worker.clean.sanitize import normalize_lines
from worker.record import Block, BlockKind


def _tag_id(name: str) -> int:
    """lexbor's numeric id for a tag: comparing ints is twice as fast as comparing names."""
    element = f"<{name}></{name}>"
    node = LexborHTMLParser(f"{element}<table>{element}</table>").css_first(name)  # caption
    assert node is not None, name
    return node.tag_id


def _tag_ids(names: str) -> frozenset[int]:
    return frozenset(_tag_id(name) for name in names.split())


def _child_ids(html: str) -> list[int]:
    """Ids of the nodes inside a <p>: how lexbor numbers text and comment nodes."""
    paragraph = LexborHTMLParser(html).css_first("p")
    assert paragraph is not None
    return [node.tag_id for node in paragraph.iter(include_text=True)]


TEXT_ID, COMMENT_ID = _child_ids("<p>x<!--y--></p>")
A_ID, BR_ID, TABLE_ID = _tag_id("a"), _tag_id("br"), _tag_id("table")
DROP_IDS = _tag_ids(
    "script style iframe form noscript template svg math object embed video audio canvas "
    "button input select textarea nav head img picture figure map dialog"
)
BLOCK_IDS = _tag_ids(
    "p div section article main header footer aside pre center address dl dt dd figcaption "
    "details summary ul ol body html hr caption"
)
INLINE_IDS = _tag_ids(
    "a abbr b bdi bdo big cite code del dfn em font i ins kbd mark q s samp small span strike "
    "strong sub sup time tt u var wbr label"
)
CONTAINER_KINDS: dict[int, BlockKind] = {
    **dict.fromkeys(_tag_ids("h1 h2 h3 h4 h5 h6"), "heading"),
    _tag_id("li"): "list_item",
    _tag_id("blockquote"): "quote",
}


@dataclass(slots=True)
class Link:
    href: str  # as written: callers strip tracking parameters from the one they use
    block: int  # index of the block the anchor ended up in


def first_href(links: list[Link], block: int) -> str | None:
    """The first http(s) link in `block`: where a credit names its source by an anchor."""
    return next((ln.href for ln in links if ln.block == block and ln.href.startswith("http")), None)


@dataclass(slots=True)
class Extracted:
    blocks: list[Block]
    links: list[Link] = field(default_factory=list)


@dataclass(slots=True)
class _Raw:
    """A block as found, before its text is normalised (done for all blocks at once)."""

    kind: BlockKind
    text: str = ""
    rows: list[list[str]] = field(default_factory=list)
    header: bool = False


class _Walker:
    """Depth-first walk that buffers inline text and flushes it at block boundaries."""

    def __init__(self, max_blocks: int) -> None:
        self.raw: list[_Raw] = []
        self.links: list[Link] = []
        self.buffer: list[str] = []
        self.kinds: list[BlockKind] = ["paragraph"]
        self.max_blocks = max_blocks

    def flush(self) -> None:
        if not self.buffer:
            return
        text = "".join(self.buffer)
        self.buffer.clear()
        if not text.isspace() and len(self.raw) < self.max_blocks:
            self.raw.append(_Raw(self.kinds[-1], text))

    def walk(self, node: LexborNode, depth: int = 0) -> None:
        if depth > 200:  # pathological nesting: keep the text, stop descending
            self.buffer.append(node.text(deep=True, separator=" ") or "")
            return
        buffer = self.buffer
        append = buffer.append
        for child in node.iter(include_text=True):
            tag = child.tag_id
            if tag == TEXT_ID:
                text = child.text_content or ""
                if buffer or not text.isspace():  # skip the newlines between block tags
                    append(text)
            elif tag in INLINE_IDS:  # the common case first: no flush, just descend
                if tag == A_ID and (href := child.attributes.get("href")):
                    self.links.append(Link(href, len(self.raw)))
                self.walk(child, depth + 1)
            elif tag in DROP_IDS or tag == COMMENT_ID:
                continue
            elif tag == BR_ID:
                self.flush()
            elif tag == TABLE_ID:
                self.flush()
                self.table(child)
            elif (kind := CONTAINER_KINDS.get(tag)) is not None:
                self.flush()
                self.kinds.append(kind)
                self.walk(child, depth + 1)
                self.flush()
                self.kinds.pop()
            elif tag in BLOCK_IDS:
                self.flush()
                self.walk(child, depth + 1)
                self.flush()
            elif child.is_element_node:  # unknown or custom elements are treated as inline
                self.walk(child, depth + 1)

    def table(self, node: LexborNode) -> None:
        table = _Raw("table")
        for tr in node.css("tr"):
            cells = [c for c in tr.iter() if c.tag in ("td", "th")]
            if not cells:
                continue
            if not table.rows:
                parent = tr.parent
                table.header = all(c.tag == "th" for c in cells) or (
                    parent is not None and parent.tag == "thead"
                )
            table.rows.append([c.text(deep=True, separator=" ") or "" for c in cells])
        if table.rows and len(self.raw) < self.max_blocks:
            self.raw.append(table)

    def result(self) -> Extracted:
        """Blocks with normalised text (one batch for the whole document), empty ones dropped."""
        strings: list[str] = []
        for raw in self.raw:
            if raw.kind == "table":
                strings.extend(cell for row in raw.rows for cell in row)
            else:
                strings.append(raw.text)
        normalised = iter(normalize_lines(strings))
        blocks: list[Block] = []
        moved: dict[int, int] = {}  # raw index -> block index, for the links
        for index, raw in enumerate(self.raw):
            if raw.kind == "table":
                rows = [[next(normalised) for _ in row] for row in raw.rows]
                kept = [row for row in rows if any(row)]
                if not kept:
                    continue
                block = table_block(kept, raw.header and kept[0] is rows[0])
            elif text := next(normalised):
                block = Block(raw.kind, text)
            else:
                continue
            moved[index] = len(blocks)
            blocks.append(block)
        links = [Link(ln.href, moved[ln.block]) for ln in self.links if ln.block in moved]
        return Extracted(blocks, links)


def extract(html: str, drop_selectors: tuple[str, ...] = (), max_blocks: int = 2_000) -> Extracted:
    """Parse `html` and return its blocks in document order, with the links found."""
    tree = LexborHTMLParser(html)
    root = tree.body or tree.root
    if root is None:
        return Extracted([])
    for selector in drop_selectors:
        for node in root.css(selector):
            node.decompose()
    walker = _Walker(max_blocks)
    walker.walk(root)
    walker.flush()
    return walker.result()
