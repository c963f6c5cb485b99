"""Read a portal form with files as it streams in, refusing past the desk's size limits."""

from __future__ import annotations

from dataclasses import dataclass, field

from aiohttp import BodyPartReader, MultipartReader, web

from ..errors import ChatdeskError, InvalidPayload, TooLarge
from ..helpdesk import FilingService, Upload
from .supportform import megabytes
from .supportlang import Translate

__all__ = ["FIELD_PREFIX", "Posted", "file_problems", "read_posted", "too_large_text"]

#: Custom fields are posted as ``field.<id>``.
FIELD_PREFIX = "field."
_CHUNK = 64 * 1024
#: Most parts and text bytes a form may hold (files aside).
_MAX_PARTS = 200
_MAX_TEXT = 256 * 1024
#: After a refusal, the rest of the body is read and dropped (so the browser shows our
#: answer, not a reset connection) up to this much more.
_DRAIN = 64 * 1024**2


@dataclass
class Posted:
    """A posted form: its text values, its custom fields, its files (non-empty ones)."""

    values: dict[str, str] = field(default_factory=dict)
    fields: dict[str, str] = field(default_factory=dict)
    files: list[Upload] = field(default_factory=list)


async def read_posted(request: web.Request, *, max_file: int, max_total: int) -> Posted:
    """Return the form of ``request`` (multipart, or URL-encoded without files).

    :raises TooLarge: a file past ``max_file``, or files past ``max_total`` together.
    :raises InvalidPayload: a body that is not a form, or too many or too long parts.
    """
    posted = Posted()
    if not request.content_type.startswith("multipart/"):
        form = await request.post()
        for key in form:
            value = form.get(key)
            if isinstance(value, str):
                _put(posted, key, value)
        return posted
    try:
        reader = await request.multipart()
        await _read_parts(reader, posted, max_file=max_file, max_total=max_total)
    except TooLarge:
        await _drain(request)
        raise
    except (ValueError, AssertionError) as exc:  # aiohttp's word for a malformed body
        raise InvalidPayload(f"malformed form: {exc}"[:200]) from None
    return posted


async def _read_parts(
    reader: MultipartReader, posted: Posted, *, max_file: int, max_total: int
) -> None:
    total = text = 0
    for _ in range(_MAX_PARTS):
        part = await reader.next()
        if part is None:
            return
        if not isinstance(part, BodyPartReader) or not part.name:
            raise InvalidPayload("malformed form: nested or unnamed part")
        if part.filename is not None:
            data = await _read(part, max_file)
            total += len(data)
            if total > max_total:
                raise TooLarge(f"files may total {max_total // 1024} kB at most")
            if data or part.filename:
                posted.files.append(Upload(part.filename or "file", data))
            continue
        raw = await _read(part, _MAX_TEXT)
        text += len(raw)
        if text > _MAX_TEXT:
            raise InvalidPayload("malformed form: too much text")
        _put(posted, part.name, raw.decode("utf-8", errors="replace"))
    raise InvalidPayload("malformed form: too many parts")


async def _read(part: BodyPartReader, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while chunk := await part.read_chunk(_CHUNK):
        size += len(chunk)
        if size > limit:
            raise TooLarge(f"{part.filename or part.name!r} is larger than {limit // 1024} kB")
        chunks.append(chunk)
    return b"".join(chunks)


async def _drain(request: web.Request) -> None:
    dropped = 0
    while dropped < _DRAIN and (chunk := await request.content.read(_CHUNK)):
        dropped += len(chunk)


def _put(posted: Posted, key: str, value: str) -> None:
    if key.startswith(FIELD_PREFIX):
        posted.fields[key.removeprefix(FIELD_PREFIX)] = value
    else:
        posted.values[key] = value


def too_large_text(filing: FilingService, t: Translate) -> str:
    """Return the desk's size limits as the requester reads them."""
    limits = filing.config.helpdesk.attachments
    return t(
        "err_too_large",
        max_file=megabytes(limits.max_file, t),
        max_ticket=megabytes(limits.max_ticket, t),
    )


def file_problems(filing: FilingService, files: list[Upload], t: Translate) -> str:
    """Return why files are refused, each named (types are read from the bytes), or ""."""
    reasons = []
    for upload in files:
        try:
            filing.check_files([upload], already=0)
        except TooLarge:
            reasons.append(too_large_text(filing, t))
        except ChatdeskError as exc:
            code = exc.code if exc.code in ("executable", "empty_file") else "type_not_allowed"
            reasons.append(t(f"err_{code}", name=upload.filename))
    return " ".join(dict.fromkeys(reasons))
