"""The help centre's HTTP payloads: suggestions, deflections, the search box, the vote."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from .base import MAX_QUERY, In, Lang, Out
from .forms import Csrf

__all__ = [
    "HTTP_TYPES",
    "MAX_QUERY",
    "ArticleRef",
    "DeflectIn",
    "SearchQuery",
    "SuggestOut",
    "SuggestQuery",
    "VoteForm",
]

Query = Annotated[str, msgspec.Meta(max_length=MAX_QUERY)]
EntryId = Annotated[str, msgspec.Meta(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=80)]


class SuggestQuery(In):
    """``GET /help/suggest?q=…&lang=fr``: what the requester typed (subject, description).
    Without ``lang``: the visitor's language (cookie, then Accept-Language)."""

    q: Query
    lang: Lang | None = None


class ArticleRef(Out):
    """A public article that may answer the requester, with the matcher's confidence."""

    id: str
    title: str
    #: The article's page, a path on the desk (``/help/fr/password-reset``).
    url: str
    lang: str
    confidence: float


class SuggestOut(Out):
    """The answer of ``GET /help/suggest``: at most 3 articles, most confident first."""

    articles: list[ArticleRef]


class DeflectIn(In):
    """``POST /help/deflect`` (JSON): the requester chose "this solved it" on an article
    instead of filing a ticket; ``q`` is what they had typed."""

    entry_id: EntryId
    lang: Lang
    q: Query = ""


class SearchQuery(In):
    """``GET /help/<lang>?q=…``: the help centre's search box."""

    q: Query = ""


class VoteForm(In):
    """``POST /help/<lang>/<entry-id>/vote``: "was this helpful?"."""

    useful: Literal["yes", "no"]
    csrf: Csrf = ""


#: Payloads of the help centre's JSON endpoints, for the exported schema (front-end types).
HTTP_TYPES: tuple[type[msgspec.Struct], ...] = (SuggestQuery, SuggestOut, ArticleRef, DeflectIn)
