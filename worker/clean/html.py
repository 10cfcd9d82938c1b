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
from worker.clean.sanitize import normalize_line
from worker.record import Block, BlockKind

DROP_TAGS = frozenset(
    {
        "script",
        "style",
        "iframe",
        "form",
        "noscript",
        "template",
        "svg",
        "math",
        "object",
        "embed",
        "video",
        "audio",
        "canvas",
        "button",
        "input",
        "select",
        "textarea",
        "nav",
        "head",
        "img",
        "picture",
        "figure",
        "map",
        "dialog",
    }
)
BLOCK_TAGS = frozenset(
    {
        "p",
        "div",
        "section",
        "article",
        "main",
        "header",
        "footer",
        "aside",
        "pre",
        "center",
        "address",
        "dl",
        "dt",
        "dd",
        "figcaption",
        "details",
        "summary",
        "ul",
        "ol",
        "body",
        "html",
        "hr",
        "caption",
    }
)
INLINE_TAGS = frozenset(
    [
        "a",
        "abbr",
        "b",
        "bdi",
        "bdo",
        "big",
        "cite",
        "code",
        "del",
        "dfn",
        "em",
        "font",
        "i",
        "ins",
        "kbd",
        "mark",
        "q",
        "s",
        "samp",
        "small",
        "span",
        "strike",
        "strong",
        "sub",
        "sup",
        "time",
        "tt",
        "u",
        "var",
        "wbr",
        "label",
    ]
)
CONTAINER_KINDS: dict[str, BlockKind] = {
    **dict.fromkeys(("h1", "h2", "h3", "h4", "h5", "h6"), "heading"),
    "li": "list_item",
    "blockquote": "quote",
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


class _Walker:
    """Depth-first walk that buffers inline text and flushes it at block boundaries."""

    def __init__(self, max_blocks: int) -> None:
        self.blocks: list[Block] = []
        self.links: list[Link] = []
        self.buffer: list[str] = []
        self.kinds: list[BlockKind] = ["paragraph"]
        self.max_blocks = max_blocks

    def flush(self) -> None:
        if not self.buffer:
            return
        text = "".join(self.buffer)
        self.buffer.clear()
        if text.isspace():  # the newlines between block tags
            return
        text = normalize_line(text)
        if text and len(self.blocks) < self.max_blocks:
            self.blocks.append(Block(self.kinds[-1], text))

    def walk(self, node: LexborNode, depth: int = 0) -> None:
        if depth > 200:  # pathological nesting: keep the text, stop descending
            self.buffer.append(node.text(deep=True, separator=" ") or "")
            return
        append = self.buffer.append
        for child in node.iter(include_text=True):
            tag = child.tag
            if tag == "-text":
                append(child.text_content or "")
            elif tag in INLINE_TAGS:  # the common case first: no flush, just descend
                if tag == "a" and (href := child.attributes.get("href")):
                    self.links.append(Link(href, len(self.blocks)))
                self.walk(child, depth + 1)
            elif tag in DROP_TAGS or tag[0] == "-":  # dropped elements, comments, doctype
                continue
            elif tag == "br":
                self.flush()
            elif tag == "table":
                self.flush()
                self.table(child)
            elif (kind := CONTAINER_KINDS.get(tag)) is not None:
                self.flush()
                self.kinds.append(kind)
                self.walk(child, depth + 1)
                self.flush()
                self.kinds.pop()
            elif tag in BLOCK_TAGS:
                self.flush()
                self.walk(child, depth + 1)
                self.flush()
            else:  # unknown or custom elements are treated as inline
                self.walk(child, depth + 1)

    def table(self, node: LexborNode) -> None:
        rows: list[list[str]] = []
        header = False
        for tr in node.css("tr"):
            cells = [c for c in tr.iter() if c.tag in ("td", "th")]
            row = [normalize_line(c.text(deep=True, separator=" ") or "") for c in cells]
            if not any(row):
                continue
            if not rows:
                parent = tr.parent
                header = all(c.tag == "th" for c in cells) or (
                    parent is not None and parent.tag == "thead"
                )
            rows.append(row)
        if rows and len(self.blocks) < self.max_blocks:
            self.blocks.append(table_block(rows, header))


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
    return Extracted(walker.blocks, walker.links)
