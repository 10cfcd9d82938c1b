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
A_ID, BR_ID, TABLE_ID, TR_ID, TH_ID = map(_tag_id, ("a", "br", "table", "tr", "th"))
THEAD_ID = _tag_id("thead")
CELL_IDS = _tag_ids("td th")
DROP_IDS = _tag_ids(
    "script style iframe form noscript template svg math object embed video audio canvas "
    "button input select textarea nav head img picture figure map dialog"
)
INLINE_IDS = _tag_ids(
    "a abbr b bdi bdo big cite code del dfn em font i ins kbd mark q s samp small span strike "
    "strong sub sup time tt u var wbr label"
)
# Tags that start and end a block: the kind of block their text makes, or None for
# plain containers, whose text keeps the kind of the block they are in.
BLOCK_KINDS: dict[int, BlockKind | None] = {
    **dict.fromkeys(
        _tag_ids(
            "p div section article main header footer aside pre center address dl dt dd "
            "figcaption details summary ul ol body html hr caption"
        )
    ),
    **dict.fromkeys(_tag_ids("h1 h2 h3 h4 h5 h6"), "heading"),
    _tag_id("li"): "list_item",
    _tag_id("blockquote"): "quote",
}


def _own_rows(node: LexborNode) -> list[LexborNode]:
    """The <tr> rows of a table, in document order, under <thead>, <tbody>, <tfoot> or
    directly; not a nested table's rows: that table's text stands in the cell holding it.
    (A walk of the table's skeleton, without the CSS engine that lexbor builds on a
    document's first query.)"""
    rows = []
    for child in node.iter():
        if child.tag_id == TR_ID:
            rows.append(child)
        elif child.tag_id != TABLE_ID:
            rows.extend(_own_rows(child))
    return rows


def _visible_text(node: LexborNode) -> str:
    """`node`'s text without what the walk drops (scripts, styles, embeds), which lexbor's
    deep text would keep. Removed deepest first: removing a node frees its subtree."""
    only = node.first_child
    if only is not None and only.next is None and only.tag_id == TEXT_ID:
        return only.text_content or ""  # most table cells: nothing to look through
    dropped = [n for n in node.traverse() if n.tag_id in DROP_IDS]
    for hidden in reversed(dropped):
        hidden.decompose()
    return node.text(deep=True, separator=" ") or ""


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
class _Table:
    """A table as found; its cells are normalised with the rest of the text."""

    rows: list[list[str]]
    header: bool


class _Walker:
    """Depth-first walk that buffers inline text and flushes it at block boundaries.

    Blocks are recorded as their kind (or a `_Table`) in `raw`, their strings in
    `strings`, so that `result` normalises the text of the whole document in one batch.
    """

    def __init__(self, max_blocks: int) -> None:
        self.raw: list[BlockKind | _Table] = []
        self.strings: list[str] = []
        self.links: list[Link] = []
        self.buffer: list[str] = []
        self.kind: BlockKind = "paragraph"
        self.max_blocks = max_blocks

    def flush(self) -> None:
        """Close the block being buffered (callers call it only when the buffer is not empty)."""
        text = "".join(self.buffer)
        self.buffer.clear()
        if not text.isspace() and len(self.raw) < self.max_blocks:
            self.raw.append(self.kind)
            self.strings.append(text)

    def walk(self, node: LexborNode, depth: int = 0) -> None:
        if depth > 200:  # pathological nesting: keep the text, stop descending
            self.buffer.append(_visible_text(node))
            return
        buffer = self.buffer
        for child in node.iter(include_text=True):
            tag = child.tag_id
            if tag == TEXT_ID:
                text = child.text_content or ""
                if buffer or not text.isspace():  # skip the newlines between block tags
                    buffer.append(text)
            elif tag in INLINE_IDS:  # the common case first: no flush, just descend
                if tag == A_ID and (href := child.attributes.get("href")):
                    self.links.append(Link(href, len(self.raw)))
                self.walk(child, depth + 1)
            elif tag in BLOCK_KINDS:
                if buffer:
                    self.flush()
                outer = self.kind
                self.kind = BLOCK_KINDS[tag] or outer
                only = child.first_child
                if only is not None and only.next is None and only.tag_id == TEXT_ID:
                    buffer.append(only.text_content or "")  # <p>text</p>: nothing to descend
                else:
                    self.walk(child, depth + 1)
                if buffer:
                    self.flush()
                self.kind = outer
            elif tag == BR_ID:
                if buffer:
                    self.flush()
            elif tag == TABLE_ID:
                if buffer:
                    self.flush()
                self.table(child)
            elif tag in DROP_IDS or tag == COMMENT_ID:
                continue
            elif child.is_element_node:  # unknown or custom elements are treated as inline
                self.walk(child, depth + 1)

    def table(self, node: LexborNode) -> None:
        table = _Table([], False)
        for tr in _own_rows(node):
            cells = [c for c in tr.iter() if c.tag_id in CELL_IDS]
            if not cells:
                continue
            if not table.rows:
                parent = tr.parent
                table.header = all(c.tag_id == TH_ID for c in cells) or (
                    parent is not None and parent.tag_id == THEAD_ID
                )
            table.rows.append([_visible_text(c) for c in cells])
        if table.rows and len(self.raw) < self.max_blocks:
            self.raw.append(table)
            self.strings.extend(cell for row in table.rows for cell in row)

    def result(self) -> Extracted:
        """Blocks with normalised text (one batch for the whole document), empty ones dropped."""
        normalised = iter(normalize_lines(self.strings))
        found: list[Block | None] = []  # one per raw block, None when it came out empty
        for raw in self.raw:
            if isinstance(raw, _Table):
                rows = [[next(normalised) for _ in row] for row in raw.rows]
                kept = [row for row in rows if any(row)]
                found.append(table_block(kept, raw.header and kept[0] is rows[0]) if kept else None)
            else:
                text = next(normalised)
                found.append(Block(raw, text) if text else None)
        blocks = [b for b in found if b is not None]
        if not self.links:
            return Extracted(blocks)
        moved: dict[int, int] = {}  # raw index -> block index, for the links
        for index, block in enumerate(found):
            if block is not None:
                moved[index] = len(moved)
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
    if walker.buffer:
        walker.flush()
    return walker.result()
