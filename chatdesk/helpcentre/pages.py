"""What the help centre shows, read from the knowledge: topics, entry pages, the sitemap."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass

from ..bot.entries import HELP_PATH, Entry
from ..bot.knowledge import Knowledge
from ..bot.markdown import render_article

__all__ = [
    "MEDIA_URL",
    "EntryLink",
    "EntryPage",
    "TopicView",
    "entry_page",
    "link",
    "media_paths",
    "public_entries",
    "search_example",
    "topics",
]

#: Where the articles' images are served (``media/x.png`` → ``/help/media/x.png``).
MEDIA_URL = f"{HELP_PATH}/media/"


@dataclass(frozen=True, slots=True)
class EntryLink:
    """A link to an entry's page: in ``lang`` (the reader's, or the entry's own when it is
    not written in the reader's)."""

    id: str
    title: str
    lang: str
    path: str


@dataclass(frozen=True, slots=True)
class TopicView:
    """A topic (knowledge file) and its public entries, in one language."""

    slug: str
    title: str
    entries: tuple[EntryLink, ...]


@dataclass(frozen=True, slots=True)
class EntryPage:
    """An entry's page in one language."""

    id: str
    lang: str
    title: str
    #: The article (or, without one, the answer) as sanitised HTML.
    html: str
    has_article: bool
    topic: TopicView
    #: Its follow-ups that are public.
    related: tuple[EntryLink, ...]
    #: The entry in every language it is written in (this one included).
    versions: tuple[EntryLink, ...]


def public_entries(knowledge: Knowledge) -> Iterator[Entry]:
    """Yield the entries the help centre shows, in topic order."""
    for topic in knowledge.topics:
        for entry_id in topic.entry_ids:
            entry = knowledge.entries.get(entry_id)
            if entry is not None and entry.public:
                yield entry


def link(entry: Entry, lang: str) -> EntryLink:
    """Return the link to ``entry`` for a reader of ``lang``."""
    own = entry.answer_lang(lang)
    return EntryLink(entry.id, entry.title(own), own, entry.page_path(own))


def topics(knowledge: Knowledge, lang: str) -> list[TopicView]:
    """Return the topics with public entries written in ``lang``, in file order."""
    found = []
    for topic in knowledge.topics:
        entries = tuple(
            link(entry, lang)
            for entry_id in topic.entry_ids
            if (entry := knowledge.entries.get(entry_id)) is not None
            and entry.public
            and lang in entry.langs
        )
        if entries:
            found.append(TopicView(topic.slug, topic.title(lang), entries))
    return found


#: Longest example the search box's hint quotes (a longer one reads as a paragraph).
EXAMPLE_MAX = 60


def search_example(knowledge: Knowledge, lang: str) -> str | None:
    """Return a question of the desk's own for the search box's hint ("Ask in your own
    words, e.g. …"): the shortest other wording of the first public entry written in
    ``lang`` (None: no such entry, or only long wordings)."""
    for topic in knowledge.topics:
        for entry_id in topic.entry_ids:
            entry = knowledge.entries.get(entry_id)
            if entry is None or not entry.public or lang not in entry.langs:
                continue
            questions = entry.langs[lang].questions
            example = min(questions[1:] or questions, key=len)
            return example if len(example) <= EXAMPLE_MAX else None
    return None


def entry_page(knowledge: Knowledge, entry_id: str, lang: str) -> EntryPage | None:
    """Return the page of a public entry in ``lang`` (None: no such page)."""
    entry = knowledge.entries.get(entry_id)
    if entry is None or not entry.public or lang not in entry.langs:
        return None
    block = entry.langs[lang]
    topic = next((t for t in knowledge.topics if t.slug == entry.topic), None)
    related = tuple(
        link(other, lang)
        for other_id in entry.follow_ups
        if (other := knowledge.entries.get(other_id)) is not None and other.public
    )
    return EntryPage(
        id=entry.id,
        lang=lang,
        title=block.questions[0],
        html=_html(block.article or block.answer),
        has_article=bool(block.article),
        topic=TopicView(entry.topic, topic.title(lang) if topic else entry.topic, ()),
        related=related,
        versions=tuple(link(entry, other) for other in entry.langs),
    )


def media_paths(knowledge: Knowledge) -> frozenset[str]:
    """Return the images (``media/...``) that public articles show: only these are served."""
    return frozenset(
        image
        for entry in knowledge.entries.values()
        if entry.public
        for block in entry.langs.values()
        for image in block.images
    )


@functools.lru_cache(maxsize=1024)
def _html(markdown: str) -> str:
    # Knowledge changes rarely and pages are read often: render each text once.
    return render_article(markdown, MEDIA_URL)
