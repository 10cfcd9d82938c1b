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
from worker.clean.sanitize import normalize_line, strip_tracking
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
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})


@dataclass(slots=True)
class Link:
    text: str
    href: str
    block: int  # index of the block the anchor ended up in


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
        text = normalize_line("".join(self.buffer))
        self.buffer.clear()
        if text and len(self.blocks) < self.max_blocks:
            self.blocks.append(Block(self.kinds[-1], text))

    def walk(self, node: LexborNode, depth: int = 0) -> None:
        if depth > 200:  # pathological nesting: keep the text, stop descending
            self.buffer.append(node.text(deep=True, separator=" ") or "")
            return
        for child in node.iter(include_text=True):
            tag = child.tag
            if tag == "-text":
                self.buffer.append(child.text_content or "")
            elif not child.is_element_node or tag in DROP_TAGS:
                continue
            elif tag == "br":
                self.flush()
            elif tag == "table":
                self.flush()
                self.table(child)
            elif tag in HEADINGS or tag in ("li", "blockquote"):
                self.flush()
                kind: BlockKind = (
                    "heading" if tag in HEADINGS else "list_item" if tag == "li" else "quote"
                )
                self.kinds.append(kind)
                self.walk(child, depth + 1)
                self.flush()
                self.kinds.pop()
            elif tag in BLOCK_TAGS:
                self.flush()
                self.walk(child, depth + 1)
                self.flush()
            else:
                if tag == "a" and (href := child.attributes.get("href")):
                    self.links.append(
                        Link(
                            normalize_line(child.text() or ""),
                            strip_tracking(href),
                            len(self.blocks),
                        )
                    )
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
