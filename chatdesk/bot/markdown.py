"""Render knowledge answers and articles (Markdown) to HTML that is safe to insert in a page."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

__all__ = [
    "MEDIA_PATH",
    "ImageRef",
    "article_images",
    "plain_text",
    "render_answer",
    "render_article",
    "render_markdown",
]

# Raw HTML in answers is not rendered ("html": False) and the result is sanitised again
# with nh3: a knowledge file is trusted less than code, and the widget inserts this HTML.
# breaks=False: as in any Markdown, a single newline inside a paragraph is a space (answers
# are often wrapped by hand in YAML blocks); a blank line starts a new paragraph.
_MARKDOWN = MarkdownIt("commonmark", {"html": False, "breaks": False})
_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a", "code", "pre", "blockquote"}
_SCHEMES = {"http", "https", "mailto", "tel"}

# Articles are pages of their own: headings (the page's title is the only h1), tables,
# and images from the knowledge's media folder.
_ARTICLE = MarkdownIt("commonmark", {"html": False, "breaks": False}).enable("table")
_ARTICLE_TAGS = _TAGS | {"h2", "h3", "h4", "h5", "h6", "hr", "img", "del"}
_ARTICLE_TAGS |= {"table", "thead", "tbody", "tr", "th", "td"}
#: A safe image path in an article: under ``media/``, each part a plain name (no ``..``).
MEDIA_PATH = re.compile(r"^media/(?:[A-Za-z0-9][A-Za-z0-9._-]*/)*[A-Za-z0-9][A-Za-z0-9._-]*$")


def render_markdown(text: str) -> str:
    """Return sanitised HTML for Markdown ``text``; links open in a new tab."""
    return nh3.clean(
        _MARKDOWN.render(text),
        tags=_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes=_SCHEMES,
        link_rel="noopener noreferrer",
        set_tag_attribute_values={"a": {"target": "_blank"}},
    ).strip()


#: Answers are the knowledge's fixed texts: each is rendered once, not once per visitor
#: (Markdown and sanitising cost ~0.25 ms an answer), and a knowledge build renders them
#: all on its thread, so that the event loop never does. Bounded: hot reloads leave old ones.
render_answer = functools.lru_cache(maxsize=4096)(render_markdown)


_MD_LINK = re.compile(r"\[([^\]\n]+)\]\(([^)\s]+)\)")
_MD_EMPHASIS = re.compile(r"(\*\*|__|\*|`)(?=\S)(.+?)(?<=\S)\1")


def plain_text(markdown: str, base_url: str) -> str:
    """Return Markdown as plain text reads it (an e-mail's text part, an operator's reply):
    "text (URL)" for a link, a path made absolute on ``base_url``; emphasis marks dropped;
    lists and paragraphs as written."""

    def link(m: re.Match[str]) -> str:
        url = m[2]
        if url.startswith("/") and not url.startswith(("//", "/\\")):
            url = base_url.rstrip("/") + url
        # "[my.ardenne.cloud](https://my.ardenne.cloud)" reads as the address alone.
        bare = url.split("://", 1)[-1].rstrip("/")
        return url if m[1] in (url, bare) else f"{m[1]} ({url})"

    paragraphs = [_unwrapped(p) for p in re.split(r"\n[ \t]*\n", markdown.strip())]
    return _MD_EMPHASIS.sub(r"\2", _MD_LINK.sub(link, "\n\n".join(p for p in paragraphs if p)))


_MD_BLOCK_LINE = re.compile(r"^\s*(?:[-*+]\s|\d+[.)]\s|>|#|```|\|)")


def _unwrapped(paragraph: str) -> str:
    """Return a paragraph wrapped by hand (as answers are in YAML) on one line, as
    Markdown reads it; lists, quotes, headings, code and tables keep their lines."""
    lines = [line.strip() for line in paragraph.splitlines()]
    if any(_MD_BLOCK_LINE.match(line) for line in lines):
        return paragraph.strip("\n")
    return " ".join(line for line in lines if line)


@dataclass(frozen=True, slots=True)
class ImageRef:
    """An image an article shows: its source as written, its description, its line."""

    src: str
    alt: str
    line: int


def article_images(text: str) -> list[ImageRef]:
    """Return the images of the Markdown article ``text``, with their 1-based lines."""
    lines = text.splitlines()
    found = []
    for block, image in _images(_ARTICLE.parse(text)):
        src = image.attrGet("src")
        src = src if isinstance(src, str) else ""
        start, end = block.map or (0, len(lines))
        # The block's first line, unless the image sits further down the paragraph.
        line = next((n for n in range(start, end) if src and src in lines[n]), start)
        found.append(ImageRef(src, image.content, line + 1))
    return found


def render_article(text: str, media_url: str) -> str:
    """Return sanitised HTML for the Markdown article ``text``.

    Headings start at h2 (the page's title is its h1); images under ``media/`` are served
    from ``media_url`` (others are dropped: the loader refuses them anyway).
    """
    tokens = _ARTICLE.parse(text)
    for token in tokens:
        if token.type in ("heading_open", "heading_close") and token.tag == "h1":
            token.tag = "h2"
    for _, image in _images(tokens):
        src = image.attrGet("src")
        if isinstance(src, str) and MEDIA_PATH.match(src):
            image.attrSet("src", media_url + src.removeprefix("media/"))
            image.attrSet("loading", "lazy")
        else:  # only its description is shown
            image.type, image.tag, image.children, image.attrs = "text", "", None, {}
    rendered = _ARTICLE.renderer.render(tokens, _ARTICLE.options, {})
    return nh3.clean(
        rendered,
        tags=_ARTICLE_TAGS,
        attributes={"a": {"href", "title"}, "img": {"src", "alt", "title", "loading"}},
        url_schemes=_SCHEMES,
        link_rel="noopener noreferrer",
    ).strip()


def _images(tokens: list[Token]) -> Iterator[tuple[Token, Token]]:
    """Yield ``(block, image)`` for every image token (inside links too)."""
    for block in tokens:
        stack = list(block.children or ())
        while stack:
            child = stack.pop(0)
            if child.type == "image":
                yield block, child
            stack[:0] = child.children or ()
