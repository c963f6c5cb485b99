"""Render knowledge answers (Markdown) to HTML that is safe to insert in a page."""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

__all__ = ["render_markdown"]

# Raw HTML in answers is not rendered ("html": False) and the result is sanitised again
# with nh3: a knowledge file is trusted less than code, and the widget inserts this HTML.
# breaks=False: as in any Markdown, a single newline inside a paragraph is a space (answers
# are often wrapped by hand in YAML blocks); a blank line starts a new paragraph.
_MARKDOWN = MarkdownIt("commonmark", {"html": False, "breaks": False})
_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a", "code", "pre", "blockquote"}


def render_markdown(text: str) -> str:
    """Return sanitised HTML for Markdown ``text``; links open in a new tab."""
    return nh3.clean(
        _MARKDOWN.render(text),
        tags=_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer",
        set_tag_attribute_values={"a": {"target": "_blank"}},
    ).strip()
