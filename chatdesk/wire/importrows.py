"""The requesters' import file (``chatdesk requesters import``): a CSV file with a header
line, comma- or semicolon-separated (as spreadsheets in Europe save it), UTF-8 with or
without a byte-order mark. One row per requester; ``email`` is the only column needed."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

__all__ = ["COLUMNS", "ImportRow"]


class ImportRow(msgspec.Struct, forbid_unknown_fields=True):
    """One requester of the file (empty cells: not given)."""

    email: Annotated[str, msgspec.Meta(min_length=3, max_length=254)]
    name: Annotated[str, msgspec.Meta(max_length=100)] = ""
    phone: Annotated[str, msgspec.Meta(max_length=40)] = ""
    lang: Literal["", "fr", "nl", "en"] = ""
    #: An organisation's name: they become its member.
    organisation: Annotated[str, msgspec.Meta(max_length=100)] = ""
    #: Their role in it (``member`` when left empty).
    role: Literal["", "member", "admin"] = ""
    #: The team's note on them (operators only).
    note: Annotated[str, msgspec.Meta(max_length=2000)] = ""


#: The columns a file may have, in the order the documentation lists them.
COLUMNS = tuple(ImportRow.__struct_fields__)
